/** etcd-restore vars: the etcd role's (members, data dir, ports, certificates) plus which snapshot and which token. */
import { z } from 'zod';
import { absPath, extendVars, orEmpty, type VarsOf } from '../../lib/index.js';
import { vars as etcdVars } from '../etcd/vars.js';

export const vars = extendVars(etcdVars, {
  etcd_restore_snapshot: z
    .string()
    .regex(/^[^\n\0]*$/, 'expected a file path')
    .default('')
    .describe("the controller's snapshot (from etcd-backup; its .json sidecar beside it); required: -e etcd_restore_snapshot=PATH"),
  etcd_restore_token: orEmpty(z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected letters, digits, . _ -'))
    .default('')
    .describe("the restored cluster's token; '' means <cluster_name>-etcd-<UTC stamp of the run> (new at every restore)"),
  etcd_restore_remote_dir: absPath.default('/var/tmp').describe('where each member gets the snapshot before restoring it (removed afterwards)'),
})();

export type EtcdRestoreVars = VarsOf<typeof vars>;
export const { defaults, schema } = vars;
