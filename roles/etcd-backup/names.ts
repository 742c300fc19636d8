/** Snapshot names on the controller: `<cluster>-<UTC stamp>.db` and its sidecar `<name>.json`. Pure. */
import { resolve } from 'node:path';
import { escapeRegExp } from '../../lib/index.js';
import type { EtcdBackupVars } from './vars.js';

/** `20261202T081500Z`: sorts by time as text, which is what retention relies on. */
export const stamp = (d: Date): string =>
  d
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');

/** The controller directory: etcd_backup_dir or `.tsplay/backups/<cluster>`, absolute. */
export const backupDir = (v: EtcdBackupVars, cluster: string): string => resolve(v.etcd_backup_dir || `.tsplay/backups/${cluster}`);

export const snapshotName = (cluster: string, at: Date): string => `${cluster}-${stamp(at)}.db`;

export const sidecarOf = (snapshot: string): string => `${snapshot}.json`;

/** Retention's sets: a snapshot and its sidecar share their stamp (a killed run's lone snapshot too). */
export const setPattern = (cluster: string): string => `^${escapeRegExp(cluster)}-(\\d{8}T\\d{6}Z)\\.db(?:\\.json)?$`;
