/**
 * roles/node-drain: the API side of a removal, from the first remaining control-plane host: cordon, drain,
 * delete when a real API has the Node; nothing when it is gone; `skipped`, with why, for an API that serves
 * no objects (the lab's stand-in); a failed host when the API does not answer.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import { changedIds, changesById, converge, FakeHost } from '../../lib/testing/index.js';
import { parseProbe, probeCommand, removeCommands } from '../../roles/node-drain/commands.js';
import { nodeDrain } from '../../roles/node-drain/index.js';
import { tempDir } from '../pki/helpers.js';
import { forHost, inventory, SMALL } from './helpers.js';

const GROWN: InventorySpec = {
  ...SMALL,
  hosts: { ...SMALL.hosts, 'master-2': { address: '10.0.0.22' }, 'worker-2': { address: '10.0.0.32' } },
  // Inventory order: master-1 is the first control-plane host; master-2 the etcd member.
  groups: { ...SMALL.groups, etcd: { hosts: ['master-2'] }, masters: { hosts: ['master-1', 'master-2'] }, workers: { hosts: ['worker-1', 'worker-2'] } },
};
const O = { kubectl: '/usr/local/bin/kubectl', kubeconfig: '/etc/kubernetes/admin.conf', drainTimeout: '300s' };

describe('roles/node-drain', () => {
  let tmp: { dir: string; cleanup(): void };
  let spec: InventorySpec;
  before(() => {
    tmp = tempDir();
    spec = { ...GROWN, vars: { ...GROWN.vars, pki_dir: join(tmp.dir, 'pki') } };
  });
  after(() => tmp.cleanup());

  const build = (op: 'node-remove' | 'control-plane-remove', host: string, target: string, overrides: Record<string, unknown> = {}) =>
    forHost(nodeDrain(op), host, { inv: inventory(spec), overrides: { [op.replace(/-/g, '_')]: target, ...overrides } });
  const probeOf = (node: string) => probeCommand(O, node);

  it('parses the probe: down, stand-in, present (cordoned or not), absent, anything else an error', () => {
    assert.deepEqual(parseProbe('down The connection to the server 10.0.0.10:6443 was refused\n'), {
      api: 'down',
      why: 'The connection to the server 10.0.0.10:6443 was refused',
    });
    assert.deepEqual(parseProbe('standin\n'), { api: 'standin' });
    assert.deepEqual(parseProbe('present \n'), { api: 'real', node: 'present', cordoned: false });
    assert.deepEqual(parseProbe('present true\n'), { api: 'real', node: 'present', cordoned: true });
    assert.deepEqual(parseProbe('absent\n'), { api: 'real', node: 'absent' });
    assert.equal(parseProbe('').api, 'error');
    assert.deepEqual(
      removeCommands(O, 'w-1', true).map((c) => c.split(' ')[2]),
      ['drain', 'delete'],
    );
    assert.match(removeCommands(O, 'w-1', false)[1]!, /drain 'w-1' --ignore-daemonsets --delete-emptydir-data --force --timeout='300s'/);
  });

  it('runs on the first control-plane host that stays, nowhere else', () => {
    assert.ok(build('node-remove', 'master-1', 'worker-2').resources.some((r) => r.id === 'kube-node:worker-2'));
    assert.deepEqual(build('node-remove', 'master-2', 'worker-2').resources, []);
    // master-1 leaves: the API calls go out from master-2.
    assert.deepEqual(build('control-plane-remove', 'master-1', 'master-1').resources, []);
    assert.ok(build('control-plane-remove', 'master-2', 'master-1').resources.some((r) => r.id === 'kube-node:master-1'));
    assert.throws(() => build('node-remove', 'master-2', 'worker-9'), /host "worker-9" is not in the inventory/);
    assert.throws(() => build('node-remove', 'master-2', 'worker-2', { node_drain_timeout: '5 min' }), /var node_drain_timeout: expected a duration/);
  });

  for (const make of [FakeHost.debian, FakeHost.rhel]) {
    it(`${make.name}: a real API with the Node: cordon, drain, delete; once gone, nothing to do`, async () => {
      const h = make('master-1');
      let gone = false;
      h.script(probeOf('worker-2'), () => ({ stdout: gone ? 'absent\n' : 'present \n' }));
      for (const c of removeCommands(O, 'worker-2', false))
        h.script(c, () => {
          if (c.includes(' delete node ')) gone = true;
        });
      const { first, second } = await converge(h, build('node-remove', 'master-1', 'worker-2').resources);
      assert.ok(changedIds(first).includes('kube-node:worker-2'));
      assert.deepEqual(
        h.commands.filter((c) => !c.includes('get --raw')).map((c) => c.split(' ')[2]),
        ['cordon', 'drain', 'delete'],
      );
      assert.deepEqual(changedIds(second), []);
    });

    it(`${make.name}: the stand-in API: reported as skipped, with why, and nothing run`, async () => {
      const h = make('master-1');
      h.script(probeOf('worker-2'), { stdout: 'standin\n' });
      const { first, applied } = await converge(h, build('node-remove', 'master-1', 'worker-2').resources);
      const drain = changesById(first)['kube-node:worker-2'];
      assert.deepEqual(
        drain?.map((c) => c.field),
        ['skipped'],
      );
      assert.match(drain![0]!.after!, /serves no \/api\/v1 objects \(a stand-in/);
      assert.equal(applied.failure, undefined);
      assert.deepEqual(
        h.commands.filter((c) => !c.includes('get --raw')),
        [],
      );
    });

    it(`${make.name}: an API that does not answer fails the host, naming the node`, async () => {
      const h = make('master-1');
      h.script(probeOf('worker-2'), { stdout: 'down The connection to the server 10.0.0.10:6443 was refused\n' });
      const { first } = await converge(h, build('node-remove', 'master-1', 'worker-2').resources);
      assert.deepEqual(
        h.commands.filter((c) => !c.includes('get --raw')),
        [],
        'nothing but the probe ran',
      );
      assert.throws(() => changesById(first), /the API does not answer \(The connection .* refused\): node worker-2 cannot be cordoned/);
    });
  }
});
