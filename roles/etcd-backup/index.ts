/**
 * etcd-backup: a snapshot of the etcd cluster on the controller, from ONE healthy member.
 *
 * Runs on every member (playbooks/etcd-backup.ts); each asks the cluster's health and the first healthy
 * member in inventory order takes `etcdctl snapshot save` (snapshot.ts). The controller gets
 * `<etcd_backup_dir>/<cluster>-<UTC stamp>.db` and its sidecar `.db.json` (sha256, bytes, revision, keys,
 * member, etcd version, time), both verified and landed atomically; then only the last etcd_backup_keep
 * sets are kept. Check mode says which member would be snapshotted and where the file would go.
 *
 * Vars: the etcd role's (vars.ts), plus etcd_backup_dir, etcd_backup_keep, etcd_backup_remote_dir.
 */
import { defineRole, type AnyResource, type Cluster, type Host } from '../../lib/index.js';
import { CLUSTER_VARS } from '../cluster/shared-vars.js';
import { topology } from '../cluster/index.js';
import { members, self } from '../etcd/members.js';
import { backupDir, snapshotName } from './names.js';
import { etcdSnapshot } from './snapshot.js';
import { defaults, schema, type EtcdBackupVars } from './vars.js';

export { defaults, schema, type EtcdBackupVars } from './vars.js';

function resources(v: EtcdBackupVars, host: Host, cluster: Cluster): AnyResource[] {
  const all = members(v, cluster);
  const name = topology(cluster).name;
  return [etcdSnapshot({ vars: v, me: self(all, host), all, cluster: name, dir: backupDir(v, name), name: snapshotName(name, new Date()) })];
}

export default defineRole<EtcdBackupVars>({
  name: 'etcd-backup',
  defaults,
  sharedVars: CLUSTER_VARS,
  schema,
  resources,
});
