/**
 * The lab as an HA Kubernetes cluster (7 hosts: `tsplay lab up --hosts 7`): lab-1..3 run etcd and the
 * control plane, lab-4 and lab-5 hold the API VIP with haproxy + keepalived, lab-6 and lab-7 are workers.
 * Addresses are the lab's fixed ones on its private bridge 10.231.0.0/24.
 *
 *   tsplay run playbooks/site.ts -i inventory/lab-cluster.ts
 */
import { defineInventory } from '../lib/dsl/inventory.js';

export default defineInventory({
  defaults: { user: 'root', port: 22, key: '/var/lib/tsplay/lab/id_ed25519' },
  hosts: {
    'lab-1': { address: '10.231.0.11' },
    'lab-2': { address: '10.231.0.12' },
    'lab-3': { address: '10.231.0.13' },
    'lab-4': { address: '10.231.0.14', vars: { keepalived_priority: 150 } },
    'lab-5': { address: '10.231.0.15', vars: { keepalived_priority: 100 } },
    'lab-6': { address: '10.231.0.16' },
    'lab-7': { address: '10.231.0.17' },
  },
  groups: {
    etcd: { hosts: ['lab-1', 'lab-2', 'lab-3'] },
    masters: { hosts: ['lab-1', 'lab-2', 'lab-3'] },
    workers: { hosts: ['lab-6', 'lab-7'] },
    k8s: { children: ['masters', 'workers'] },
    lb: { hosts: ['lab-4', 'lab-5'], vars: { vip_interface: 'host0' } },
  },
  vars: {
    cluster_name: 'lab',
    vip: '10.231.0.10',
    service_cidr: '10.96.0.0/12',
    pod_cidr: '10.244.0.0/16',
    cluster_domain: 'cluster.local',
    pki_dir: '.tsplay/pki/lab',
    // The lab's hosts are systemd-nspawn containers on an overlay root: cgroupfs, and containerd's
    // native snapshotter (overlayfs cannot stack on the overlay root).
    cgroup_driver: 'cgroupfs',
    runtime_snapshotter: 'native',
  },
});
