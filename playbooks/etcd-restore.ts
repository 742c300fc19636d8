/**
 * The etcd cluster rebuilt from a snapshot etcd-backup fetched (after a quorum loss), on every member at once:
 *
 *   tsplay run playbooks/etcd-restore.ts -i inventory/prod.ts -e etcd_restore_snapshot=PATH --check    what each member would do
 *   tsplay run playbooks/etcd-restore.ts -i inventory/prod.ts -e etcd_restore_snapshot=PATH
 *
 * Linear, no `serial`, any error fatal: the restored members must start in the same pass to form a quorum.
 */
import { definePlaybook } from '../lib/index.js';
import etcdRestore from '../roles/etcd-restore/index.js';

export default definePlaybook({
  name: 'etcd-restore',
  plays: [{ name: 'etcd restore', hosts: 'etcd', roles: [etcdRestore], anyErrorsFatal: true }],
});
