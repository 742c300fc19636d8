/** etcd-restore vars: the etcd role's (members, data dir, ports, certificates) plus which snapshot and which token. */
import { z } from 'zod';
import { defaults as etcdDefaults, schema as etcdSchema, type EtcdVars } from '../etcd/vars.js';

export interface EtcdRestoreVars extends EtcdVars {
  /** The controller's snapshot (from etcd-backup; its `.json` sidecar beside it). Required: `-e etcd_restore_snapshot=PATH`. */
  readonly etcd_restore_snapshot: string;
  /** The restored cluster's token; '' means `<cluster_name>-etcd-<UTC stamp of the run>` (new at every restore). */
  readonly etcd_restore_token: string;
  /** Where each member gets the snapshot before restoring it (removed afterwards). */
  readonly etcd_restore_remote_dir: string;
}

export const defaults: EtcdRestoreVars = { ...etcdDefaults, etcd_restore_snapshot: '', etcd_restore_token: '', etcd_restore_remote_dir: '/var/tmp' };

const absPath = z.string().regex(/^\/[A-Za-z0-9._/-]*$/, 'expected an absolute path (letters, digits, . _ - /)').refine((p) => !p.split('/').includes('..'), 'expected a path without ".."');

export const schema = (etcdSchema as z.ZodType<EtcdVars>).and(z.object({
  etcd_restore_snapshot: z.string().regex(/^[^\n\0]*$/, 'expected a file path'),
  etcd_restore_token: z.union([z.literal(''), z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected letters, digits, . _ -')]),
  etcd_restore_remote_dir: absPath,
})) as unknown as z.ZodType<EtcdRestoreVars>;
