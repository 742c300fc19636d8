import assert from 'node:assert/strict';
import { loadInventory, selectHosts } from '../../lib/inventory/index.js';

describe('inventory/prod.ts (the example)', () => {
  it('loads: 8 hosts, the control plane in etcd and masters, LBs with the VIP, workers, k8s = masters + workers', async () => {
    const inv = await loadInventory('inventory/prod.ts');
    const names = (p: string) => selectHosts(inv, p).map((h) => h.name);
    assert.equal(inv.hosts.length, 8);
    assert.deepEqual(names('etcd'), ['master-1', 'master-2', 'master-3']);
    assert.deepEqual(names('etcd'), names('masters'));
    assert.deepEqual(names('lb'), ['lb-1', 'lb-2']);
    assert.deepEqual(names('workers'), ['worker-1', 'worker-2', 'worker-3']);
    assert.deepEqual(names('k8s'), [...names('masters'), ...names('workers')]);
    assert.deepEqual(names('k8s:!etcd'), names('workers'));
  });

  it('carries the cluster-wide and per-group vars roles need', async () => {
    const inv = await loadInventory('inventory/prod.ts');
    assert.deepEqual(
      [inv.cluster.vars.service_cidr, inv.cluster.vars.pod_cidr, inv.cluster.vars.cluster_domain],
      ['10.96.0.0/12', '10.244.0.0/16', 'cluster.local'],
    );
    const [lb1, lb2] = inv.cluster.group('lb');
    assert.equal(lb1!.vars.vip, '10.0.0.10');
    assert.ok(lb1!.address !== lb1!.vars.vip && lb2!.address !== lb2!.vars.vip, 'the VIP belongs to no host');
    assert.deepEqual(
      inv.cluster.group('lb').map((h) => h.vars.keepalived_priority),
      [150, 100],
    );
    assert.deepEqual(inv.cluster.group('masters')[0]!.groups, ['all', 'etcd', 'k8s', 'masters']); // parents before children
  });
});
