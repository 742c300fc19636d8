/**
 * A snapshot of the etcd cluster, fetched to the controller (roles/etcd-backup):
 *
 *   tsplay run playbooks/etcd-backup.ts -i inventory/prod.ts --check     which member, which file
 *   tsplay run playbooks/etcd-backup.ts -i inventory/prod.ts             take it
 *   tsplay run playbooks/etcd-backup.ts -i inventory/prod.ts -e etcd_backup_keep=30
 *
 * Every member asks the cluster's health; the first healthy one in inventory order is snapshotted.
 */
import { definePlaybook } from '../lib/index.js';
import etcdBackup from '../roles/etcd-backup/index.js';

export default definePlaybook({
  name: 'etcd-backup',
  plays: [{ name: 'etcd snapshot', hosts: 'etcd', roles: [etcdBackup] }],
});
