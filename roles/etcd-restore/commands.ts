/**
 * One member's restore, as one script: check the pushed snapshot's sha256, restore it into a staging
 * dir (nothing is stopped or moved if that fails), stop etcd, move the old data dir aside (renamed with
 * the run's stamp, never deleted), move the restored one into place, record what was restored, start
 * etcd. `systemctl start` waits (Type=notify) until the members, started by the same pass on every host,
 * form a quorum. Pure.
 */
import { offlineFunction, sq } from '../etcd/etcdctl.js';
import type { Member } from '../etcd/members.js';
import type { EtcdRestoreVars } from './vars.js';

export interface RestorePlan {
  readonly vars: EtcdRestoreVars;
  readonly me: Member;
  readonly all: readonly Member[];
  /** The snapshot on the member, its sha256, and the restored cluster's token. */
  readonly remote: string;
  readonly sha256: string;
  readonly token: string;
  /** The run's UTC stamp, shared by every member (names of the aside and staging dirs). */
  readonly stamp: string;
  /** What the record on the member says about the source. */
  readonly record: Readonly<Record<string, unknown>>;
}

const dataDir = (v: EtcdRestoreVars) => v.etcd_data_dir.replace(/\/$/, '');
export const asideDir = (p: RestorePlan): string => `${dataDir(p.vars)}.before-restore-${p.stamp}`;
export const stagingDir = (p: RestorePlan): string => `${dataDir(p.vars)}.restore-${p.stamp}`;
export const recordPath = (v: EtcdRestoreVars): string => `${v.etcd_config_dir.replace(/\/$/, '')}/restored.json`;
export const initialCluster = (all: readonly Member[]): string => all.map((m) => `${m.name}=${m.peerUrl}`).join(',');

/** The `snapshot restore` arguments: the member's identity in the new cluster. */
export function restoreArgs(p: RestorePlan): string[] {
  return [
    'snapshot',
    'restore',
    p.remote,
    `--name=${p.me.name}`,
    `--initial-cluster=${initialCluster(p.all)}`,
    `--initial-cluster-token=${p.token}`,
    `--initial-advertise-peer-urls=${p.me.peerUrl}`,
    `--data-dir=${stagingDir(p)}`,
  ];
}

export function restoreScript(p: RestorePlan): string {
  const data = dataDir(p.vars);
  const record = JSON.stringify({ ...p.record, token: p.token, member: p.me.name, old_data_dir: asideDir(p) });
  return [
    `printf '%s  %s\\n' ${p.sha256} ${sq(p.remote)} | sha256sum -c --quiet -`,
    offlineFunction(p.vars),
    `rm -rf -- ${stagingDir(p)}`,
    `offline ${restoreArgs(p).map(sq).join(' ')} >/dev/null`,
    'systemctl stop etcd',
    `if [ -e ${data} ]; then mv -- ${data} ${asideDir(p)}; fi`,
    `mv -- ${stagingDir(p)} ${data}`,
    `chmod 0700 ${data}`,
    `rm -f -- ${sq(p.remote)}`,
    `printf '%s\\n' ${sq(record)} > ${recordPath(p.vars)}`,
    'systemctl start etcd',
  ].join('\n');
}
