/**
 * etcd alone: a TLS etcd cluster on the etcd group, gated on every member healthy.
 *
 *   tsplay run playbooks/etcd.ts -i inventory/lab-cluster.ts
 *
 * The certificates come from the cluster PKI, issued on the controller in the same run (pki_dir).
 * Linear strategy and no `serial`: the members of a new cluster must start in the same pass.
 */
import { definePlaybook } from '../lib/index.js';
import etcd from '../roles/etcd/index.js';

export default definePlaybook({
  name: 'etcd',
  plays: [{ name: 'etcd cluster', hosts: 'etcd', roles: [etcd], anyErrorsFatal: true }],
});
