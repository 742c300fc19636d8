/** etcd-backup vars: the etcd role's (to reach the members as it configured them) plus where snapshots go. */
import { z } from 'zod';
import { absPath, extendVars, type VarsOf } from '../../lib/index.js';
import { vars as etcdVars } from '../etcd/vars.js';

export const vars = extendVars(etcdVars, {
  etcd_backup_dir: z
    .string()
    .regex(/^[^\n\0]*$/, 'expected a directory path')
    .default('')
    .describe("controller directory of the snapshots; '' means .tsplay/backups/<cluster_name> (relative to the working directory)"),
  etcd_backup_keep: z
    .number()
    .int()
    .min(1)
    .default(7)
    .describe('snapshots kept there (each with its sidecar), newest first; older ones go once a new one is complete'),
  etcd_backup_remote_dir: absPath.default('/var/tmp').describe('where the member writes the snapshot before it is fetched (removed afterwards)'),
})();

export type EtcdBackupVars = VarsOf<typeof vars>;
export const { defaults, schema } = vars;
/** The backup's own defaults (without the etcd role's). */
export const backupDefaults = {
  etcd_backup_dir: defaults.etcd_backup_dir,
  etcd_backup_keep: defaults.etcd_backup_keep,
  etcd_backup_remote_dir: defaults.etcd_backup_remote_dir,
};
