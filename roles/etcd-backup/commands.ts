/**
 * The member's side of a backup, as one script: `snapshot save` from this member into the remote dir,
 * then a JSON sidecar beside it with what the restore checks (sha256, size) and what the operator wants
 * to know (revision, keys, member, etcd version, time). A killed run's leftovers there go first. Pure.
 */
import { etcdctlOnline, offlineFunction, sq } from '../etcd/etcdctl.js';
import type { Member } from '../etcd/members.js';
import { binDir } from '../etcd/unit.js';
import type { EtcdBackupVars } from './vars.js';

export const REMOTE_PREFIX = 'tsplay-etcd-snapshot-';

/** Where the member writes the snapshot (the sidecar is this + `.json`). */
export const remoteSnapshot = (v: EtcdBackupVars, name: string): string => `${v.etcd_backup_remote_dir.replace(/\/$/, '')}/${REMOTE_PREFIX}${name}`;

export function snapshotScript(v: EtcdBackupVars, me: Member, cluster: string, name: string): string {
  const snap = remoteSnapshot(v, name);
  const dir = v.etcd_backup_remote_dir.replace(/\/$/, '');
  const head = (k: string, val: string) => `${JSON.stringify(k)}:${JSON.stringify(val)}`;
  const fixed = [head('cluster', cluster), head('member', me.name), head('endpoint', me.clientUrl), head('snapshot', name)].join(',');
  return [
    `rm -f -- ${dir}/${REMOTE_PREFIX}*`,
    'umask 077',
    `${etcdctlOnline(v, me.address)} snapshot save ${snap} >/dev/null`,
    offlineFunction(v),
    `st=$(offline snapshot status ${snap} -w json 2>/dev/null)`,
    `rev=$(printf '%s' "$st" | sed -n 's/.*"revision":\\([0-9]*\\).*/\\1/p')`,
    `keys=$(printf '%s' "$st" | sed -n 's/.*"totalKey":\\([0-9]*\\).*/\\1/p')`,
    `sum=$(sha256sum -- ${snap} | cut -d' ' -f1)`,
    `bytes=$(wc -c < ${snap})`,
    `ver=$(${binDir(v)}/etcd --version | sed -n 's/^etcd Version: //p')`,
    `printf '{%s,"taken_at":"%s","etcd_version":"%s","revision":%s,"total_keys":%s,"sha256":"%s","bytes":%s}\\n' ${sq(fixed)} "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$ver" "\${rev:-null}" "\${keys:-null}" "$sum" "$bytes" > ${snap}.json`,
  ].join('\n');
}
