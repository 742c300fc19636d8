/**
 * Example production inventory: an HA Kubernetes cluster built the hard way. Three control-plane hosts
 * run etcd and the control plane, two load balancers hold the API VIP with haproxy + keepalived, three
 * workers run pods. Addresses are private (RFC 1918); nothing in the tests connects to them.
 *
 *   npx tsplay run playbooks/site.ts -i inventory/prod.ts --list-hosts
 *
 * Vars are typed by the roles that read them (clusterVars, varsFor): a misspelt one is a compile error,
 * and `tsplay run` refuses it too.
 */
import { defineInventory, varsFor } from '../lib/dsl/inventory.js';
import { clusterVars, type ClusterVars } from '../roles/cluster/index.js';
import type { KeepalivedVars } from '../roles/keepalived/index.js';

export default defineInventory({
  hosts: {
    'lb-1': { address: '10.0.0.11', vars: varsFor<KeepalivedVars>({ keepalived_priority: 150 }) },
    'lb-2': { address: '10.0.0.12', vars: varsFor<KeepalivedVars>({ keepalived_priority: 100 }) },
    'master-1': { address: '10.0.0.21' },
    'master-2': { address: '10.0.0.22' },
    'master-3': { address: '10.0.0.23' },
    'worker-1': { address: '10.0.0.31' },
    'worker-2': { address: '10.0.0.32' },
    'worker-3': { address: '10.0.0.33' },
  },
  groups: {
    lb: { hosts: ['lb-1', 'lb-2'], vars: varsFor<ClusterVars & KeepalivedVars>({ vip: '10.0.0.10', vip_interface: 'eth0' }) },
    etcd: { hosts: ['master-1', 'master-2', 'master-3'] },
    masters: { hosts: ['master-1', 'master-2', 'master-3'] },
    workers: { hosts: ['worker-1', 'worker-2', 'worker-3'] },
    k8s: { children: ['masters', 'workers'] },
  },
  defaults: { user: 'root', port: 22 },
  vars: clusterVars({
    cluster_name: 'prod',
    api_endpoint: 'https://10.0.0.10:6443',
    service_cidr: '10.96.0.0/12',
    cluster_dns: '10.96.0.10',
    pod_cidr: '10.244.0.0/16',
    cluster_domain: 'cluster.local',
  }),
});
