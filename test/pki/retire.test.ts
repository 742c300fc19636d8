/** A host that leaves the spec leaves no valid credential behind on the controller (no revocation in Kubernetes). */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePki, formatPkiReport, type PkiReport } from '../../roles/pki/catalogue/index.js';
import { smallSpec } from './fixtures.js';
import { snapshot, tempDir } from './helpers.js';

const notReused = (r: PkiReport) => r.items.filter((i) => i.status !== 'reused').map((i) => `${i.id} ${i.status} ${i.reason} ${i.files.join(',')}`);

describe('pki: credentials of hosts that left the spec', () => {
  const t = tempDir();
  const full = smallSpec();
  // node-3 removed; master-3 no longer an etcd member; flannel's etcd client switched off again.
  const smaller = { ...full, nodes: full.nodes.filter((n) => n.name !== 'node-3'), etcd: full.etcd.filter((m) => m.name !== 'master-3') };
  before(async () => {
    await ensurePki({ ...full, flannelEtcdClient: true }, t.dir, { mode: 'apply' });
    writeFileSync(join(t.dir, 'kubelets', 'NOTES.txt'), 'not ours');
  });
  after(() => t.cleanup());

  it('check mode names them and touches nothing; apply removes exactly them; a second run has nothing to do', async () => {
    const before = snapshot(t.dir);
    const check = await ensurePki(smaller, t.dir, { mode: 'check' });
    assert.deepEqual(notReused(check), [
      'etcd/flannel-client would-remove host gone etcd/flannel-client.crt,etcd/flannel-client.key',
      'etcd/master-3-peer would-remove host gone etcd/master-3-peer.crt,etcd/master-3-peer.key',
      'etcd/master-3-server would-remove host gone etcd/master-3-server.crt,etcd/master-3-server.key',
      'kubeconfigs/kubelet-node-3 would-remove host gone kubeconfigs/kubelet-node-3.conf',
      'kubelets/node-3 would-remove host gone kubelets/node-3.crt,kubelets/node-3.key',
    ]);
    assert.match(formatPkiReport(check), /0 would issue, 5 would remove, 0 errors$/);
    assert.deepEqual(snapshot(t.dir), before, 'check mode wrote nothing');
    const apply = await ensurePki(smaller, t.dir, { mode: 'apply' });
    assert.equal(apply.changed, 5);
    for (const f of ['kubelets/node-3.key', 'kubeconfigs/kubelet-node-3.conf', 'etcd/master-3-server.key', 'etcd/flannel-client.key'])
      assert.equal(existsSync(join(t.dir, f)), false, f);
    for (const f of ['kubelets/node-2.key', 'kubelets/NOTES.txt', 'etcd/master-2-peer.key', 'etcd/ca.key']) assert.equal(existsSync(join(t.dir, f)), true, f);
    assert.deepEqual(notReused(await ensurePki(smaller, t.dir, { mode: 'apply' })), []);
  });
});
