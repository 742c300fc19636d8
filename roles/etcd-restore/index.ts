/**
 * etcd-restore: the etcd cluster rebuilt from a controller snapshot (after a quorum loss).
 *
 * Before any host is touched the snapshot is checked against its sidecar (sha256, size, cluster); a
 * missing file, a missing sidecar or a mismatch is refused (exit 1). Then on every member, in the same
 * pass: the snapshot is pushed, restored into a staging dir with the member's name and peer URL, the
 * initial cluster and a NEW token; etcd is stopped, the old data dir moved aside
 * (`<etcd_data_dir>.before-restore-<stamp>`, never deleted), the restored one moved in, and etcd started
 * with the others; then the etcd health gate (every member healthy) must pass.
 *
 * The etcd role's env file is left as it is: etcd reads ETCD_INITIAL_CLUSTER* only while its data dir is
 * empty, and the restored dir carries its cluster and token. So a later site.ts or etcd.ts run changes
 * nothing; the token in use is recorded on each member in <etcd_config_dir>/restored.json.
 */
import { defineRole, type AnyResource, type Cluster, type Host } from '../../lib/index.js';
import { CLUSTER_VARS } from '../cluster/shared-vars.js';
import { topology } from '../cluster/index.js';
import { healthGate } from '../etcd/gate.js';
import { members, self } from '../etcd/members.js';
import { stamp } from '../etcd-backup/names.js';
import { etcdRestore } from './restore.js';
import { defaults, schema, type EtcdRestoreVars } from './vars.js';

export { defaults, schema, type EtcdRestoreVars } from './vars.js';

// One stamp per run, so that every member restores with the same token (resources() runs once per host).
const RUN_STAMP = stamp(new Date());

function resources(v: EtcdRestoreVars, host: Host, cluster: Cluster): AnyResource[] {
  const all = members(v, cluster);
  const name = topology(cluster).name;
  const token = v.etcd_restore_token || `${name}-etcd-${RUN_STAMP.toLowerCase()}`;
  return [etcdRestore({ vars: v, me: self(all, host), all, cluster: name, token, stamp: RUN_STAMP })];
}

export default defineRole<EtcdRestoreVars>({
  name: 'etcd-restore',
  defaults,
  sharedVars: CLUSTER_VARS,
  schema,
  resources,
  verify: [healthGate],
});
