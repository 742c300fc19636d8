/**
 * etcdctl command lines for membership changes, from a member (its loopback endpoint) or, for a removed
 * host asking whether it is out, from the staying members' client URLs; and the env file a new member
 * starts with. Pure.
 */
import { escapeRegExp } from '../../lib/index.js';
import { certPaths, etcdEnv } from '../etcd/env.js';
import { etcdctlOnline, sq } from '../etcd/etcdctl.js';
import type { Member } from '../etcd/members.js';
import { binDir } from '../etcd/unit.js';
import type { EtcdVars } from '../etcd/vars.js';

export const memberListCommand = (v: EtcdVars, address: string): string => `${etcdctlOnline(v, address)} --command-timeout=5s member list -w simple`;

/**
 * A membership change, retried while the cluster is settling and only then; `done` (a shell test) is
 * asked before each try, so a change that committed although its answer was lost is not made twice.
 * Settling answers: "unhealthy cluster" (etcd's strict reconfiguration check refuses a change while a
 * member has been connected for less than 5 s, as one that just joined), and a change proposed while
 * there is no leader (raft drops it: the removed member was the leader, an election runs for ~1-2 s),
 * which etcd answers with a deadline or a leader error. Gives up after `seconds`.
 */
export function untilDone(o: { readonly done: string; readonly change: string; readonly seconds?: number }): string {
  return [
    `end=$(( $(date +%s) + ${o.seconds ?? 60} ))`,
    `while :; do if ${o.done}; then echo 'already done'; break; fi`,
    `out=$(${o.change} 2>&1) && { printf '%s\\n' "$out"; break; }`,
    `case "$out" in *'unhealthy cluster'*|*'deadline exceeded'*|*'leader changed'*|*'no leader'*|*'request timed out'*) ;; *) printf '%s\\n' "$out" >&2; exit 1;; esac`,
    `if [ "$(date +%s)" -ge "$end" ]; then printf '%s\\n' "$out" >&2; exit 1; fi; sleep 1; done`,
  ].join('; ');
}

/** A shell test: the member list, asked of this member, has a line matching the extended regex `pattern`. */
const listed = (v: EtcdVars, address: string, pattern: string): string => `${memberListCommand(v, address)} 2>/dev/null | grep -Eq ${sq(pattern)}`;

export const memberAddCommand = (v: EtcdVars, address: string, target: Member): string =>
  untilDone({
    done: listed(v, address, `, ${escapeRegExp(target.peerUrl)},`),
    change: `${etcdctlOnline(v, address)} --command-timeout=5s member add ${sq(target.name)} --peer-urls=${target.peerUrl}`,
  });

/** Done once the list answers without the id (an unanswered list is not taken for done). */
export const memberRemoveCommand = (v: EtcdVars, address: string, id: string): string =>
  untilDone({
    done: `{ l=$(${memberListCommand(v, address)} 2>/dev/null) && ! printf '%s\\n' "$l" | grep -q ${sq(`^${id},`)}; }`,
    change: `${etcdctlOnline(v, address)} --command-timeout=5s member remove ${id}`,
  });

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
