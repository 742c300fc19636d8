/**
 * etcdctl command lines for membership changes, from a member (its loopback endpoint) or, for a removed
 * host asking whether it is out, from the staying members' client URLs; and the env file a new member
 * starts with. Pure.
 */
import { certPaths, etcdEnv } from '../etcd/env.js';
import { etcdctlOnline, sq } from '../etcd/etcdctl.js';
import type { Member } from '../etcd/members.js';
import { binDir } from '../etcd/unit.js';
import type { EtcdVars } from '../etcd/vars.js';

export const memberListCommand = (v: EtcdVars, address: string): string => `${etcdctlOnline(v, address)} --command-timeout=5s member list -w simple`;

/**
 * etcd refuses a membership change while any member has been connected for less than 5 s
 * ("etcdserver: unhealthy cluster", its strict reconfiguration check): a member that just joined is such
 * a one. That answer, and only that one, is retried each second for up to `tries` seconds.
 */
export function whileSettling(command: string, tries = 30): string {
  return [
    `i=0; while :; do out=$(${command} 2>&1) && { printf '%s\\n' "$out"; break; }`,
    `case "$out" in *'unhealthy cluster'*) ;; *) printf '%s\\n' "$out" >&2; exit 1;; esac`,
    `i=$((i+1)); if [ $i -ge ${tries} ]; then printf '%s\\n' "$out" >&2; exit 1; fi; sleep 1; done`,
  ].join('; ');
}

export const memberAddCommand = (v: EtcdVars, address: string, target: Member): string =>
  whileSettling(`${etcdctlOnline(v, address)} --command-timeout=15s member add ${sq(target.name)} --peer-urls=${target.peerUrl}`);

export const memberRemoveCommand = (v: EtcdVars, address: string, id: string): string => whileSettling(`${etcdctlOnline(v, address)} --command-timeout=15s member remove ${id}`);

/** `member list` asked of other members over the network (a removed host asks the staying ones). */
export function remoteMemberListCommand(v: EtcdVars, of: readonly Member[]): string {
  const p = certPaths(v);
  return `ETCDCTL_API=3 ${binDir(v)}/etcdctl --endpoints=${of.map((m) => m.clientUrl).join(',')} --cacert=${p.ca} --cert=${p.checkCert} --key=${p.checkKey} --dial-timeout=5s --command-timeout=5s member list -w simple`;
}

/**
 * The env a new member first starts with: the etcd role's, with initial-cluster-state `existing` and the
 * initial cluster as it is once `member add` ran (the members before it and itself: etcd checks it).
 */
export const joinEnv = (v: EtcdVars, me: Member, cluster: readonly Member[], token: string): string =>
  etcdEnv({ ...v, etcd_initial_cluster_state: 'existing' }, me, cluster, token);

export const initialClusterText = (cluster: readonly Member[]): string => cluster.map((m) => `${m.name}=${m.peerUrl}`).join(',');
