/**
 * etcdctl and etcdutl command lines for the day-2 playbooks (backup, restore): this member's loopback
 * endpoint with the health-check client certificate, as the gate uses. etcd 3.5 moved the offline
 * snapshot commands (status, restore) to etcdutl and 3.6 removed them from etcdctl: the scripts use
 * etcdutl where it is installed and `ETCDCTL_API=3 etcdctl` (3.4) otherwise. Pure.
 */
import { certPaths } from './env.js';
import { url } from './members.js';
import { binDir } from './unit.js';
import type { EtcdVars } from './vars.js';

/** POSIX single quotes (roles reach only the public API, which has no quoting helper). */
export const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** `ETCDCTL_API=3 etcdctl --endpoints=<loopback> <TLS flags>`: online commands against this member. */
export function etcdctlOnline(v: EtcdVars, address: string): string {
  const p = certPaths(v);
  const loopback = url(address.includes(':') ? '::1' : '127.0.0.1', v.etcd_client_port);
  return `ETCDCTL_API=3 ${binDir(v)}/etcdctl --endpoints=${loopback} --cacert=${p.ca} --cert=${p.checkCert} --key=${p.checkKey} --dial-timeout=5s`;
}

/** A shell function `offline ARGS...`: `etcdutl ARGS` (3.5+) or `ETCDCTL_API=3 etcdctl ARGS` (3.4). */
export function offlineFunction(v: EtcdVars): string {
  const bin = binDir(v);
  return `offline() { if [ -x ${bin}/etcdutl ]; then ${bin}/etcdutl "$@"; else ETCDCTL_API=3 ${bin}/etcdctl "$@"; fi; }`;
}
