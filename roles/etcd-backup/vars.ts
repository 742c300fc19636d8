/** etcd-backup vars: the etcd role's (to reach the members as it configured them) plus where snapshots go. */
import { z } from 'zod';
import { defaults as etcdDefaults, schema as etcdSchema, type EtcdVars } from '../etcd/vars.js';

export interface EtcdBackupVars extends EtcdVars {
  /** Controller directory of the snapshots; '' means `.tsplay/backups/<cluster_name>` (relative to the working directory). */
  readonly etcd_backup_dir: string;
  /** Snapshots kept there (each with its sidecar), newest first; older ones go once a new one is complete. */
  readonly etcd_backup_keep: number;
  /** Where the member writes the snapshot before it is fetched (removed afterwards). */
  readonly etcd_backup_remote_dir: string;
}

export const backupDefaults = { etcd_backup_dir: '', etcd_backup_keep: 7, etcd_backup_remote_dir: '/var/tmp' } as const;

export const defaults: EtcdBackupVars = { ...etcdDefaults, ...backupDefaults };

const absPath = z.string().regex(/^\/[A-Za-z0-9._/-]*$/, 'expected an absolute path (letters, digits, . _ - /)').refine((p) => !p.split('/').includes('..'), 'expected a path without ".."');

export const schema = (etcdSchema as z.ZodType<EtcdVars>).and(z.object({
  etcd_backup_dir: z.string().regex(/^[^\n\0]*$/, 'expected a directory path'),
  etcd_backup_keep: z.number().int().min(1),
  etcd_backup_remote_dir: absPath,
})) as unknown as z.ZodType<EtcdBackupVars>;
