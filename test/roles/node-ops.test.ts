/**
 * roles/node-ops: the operation's target checked before any host is touched, and scoped(): what each host
 * builds when a worker or a control-plane host comes or goes (Debian and RHEL fake hosts).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import { ConfigError } from '../../lib/core/errors.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import { changedIds, converge, FakeHost } from '../../lib/testing/index.js';
import firewalld from '../../roles/firewalld/index.js';
import haproxy from '../../roles/haproxy/index.js';
import { namesHosts, scoped } from '../../roles/node-ops/scope.js';
import { targetOf, targetsOf, withoutHost, type Op } from '../../roles/node-ops/target.js';
import prereqs from '../../roles/prereqs/index.js';
import reset from '../../roles/reset/index.js';
import { probeCommand } from '../../roles/reset/static-pods.js';
import { tempDir } from '../pki/helpers.js';
import { forHost, inventory, SMALL } from './helpers.js';

const HAPROXY_UNIT = '[Unit]\nDescription=haproxy\n[Service]\nExecStart=/usr/sbin/haproxy\n[Install]\nWantedBy=multi-user.target\n';

/** SMALL plus a second control-plane host (not etcd) and a second worker. */
const GROWN: InventorySpec = {
  ...SMALL,
  hosts: { ...SMALL.hosts, 'master-2': { address: '10.0.0.22' }, 'worker-2': { address: '10.0.0.32' } },
  groups: { ...SMALL.groups, masters: { hosts: ['master-1', 'master-2'] }, workers: { hosts: ['worker-1', 'worker-2'] } },
};

const refused = (op: Op, name: string, spec: InventorySpec, why: RegExp) =>
  assert.throws(
    () => targetsOf(op, name, inventory(spec).cluster),
    (e: unknown) => e instanceof ConfigError && why.test(e.message) && e.message.length > 0,
  );

describe('roles/node-ops: the target of an operation', () => {
  it('accepts a worker for the node playbooks and a non-etcd control-plane host for the control-plane ones', () => {
    const c = inventory(GROWN).cluster;
    assert.equal(targetOf('node-add', 'worker-2', c).name, 'worker-2');
    assert.equal(targetOf('node-remove', 'worker-2', c).name, 'worker-2');
    assert.equal(targetOf('control-plane-add', 'master-2', c).name, 'master-2');
    assert.equal(targetOf('control-plane-remove', 'master-2', c).name, 'master-2');
  });

  it('refuses, saying why: no name, a host not in the cluster, the wrong part, an etcd member, an LB, the last control-plane host', () => {
    refused('node-add', '', GROWN, /needs the host to add: -e node_add=HOST/);
    refused('node-remove', 'worker-9', GROWN, /host "worker-9" is not in the inventory: it is not in the cluster .*Hosts: lb-1, lb-2, master-1/);
    refused('node-add', 'worker-9', GROWN, /add it to the inventory \(group "workers"\) first/);
    refused('node-remove', 'master-2', GROWN, /not in group "workers"/);
    refused('control-plane-remove', 'worker-1', GROWN, /not in group "masters"/);
    // An etcd member's membership changes with it (test/roles/control-plane-etcd.test.ts), within what the etcd member operation allows.
    refused(
      'control-plane-remove',
      'master-1',
      GROWN,
      /master-1 is an etcd member, so this run removes it as etcd member too: removing master-1 would leave no member/,
    );
    refused('control-plane-add', 'master-1', GROWN, /every host of the etcd group is named/);
    const etcdWorker = { ...GROWN, groups: { ...GROWN.groups, etcd: { hosts: ['worker-1'] }, masters: { hosts: ['master-1', 'master-2'] } } };
    refused('node-remove', 'worker-1', etcdWorker, /etcd member .*playbooks\/etcd-member-remove\.ts/);
    refused('node-remove', 'lb-1', { ...GROWN, groups: { ...GROWN.groups, workers: { hosts: ['worker-1', 'lb-1'] } } }, /also a load balancer/);
    const both = { ...GROWN, groups: { ...GROWN.groups, workers: { hosts: ['worker-1', 'worker-2', 'master-2'] } } };
    refused('node-remove', 'master-2', both, /is a control-plane host: use playbooks\/control-plane-remove\.ts/);
    const lone = { ...GROWN, groups: { ...GROWN.groups, etcd: { hosts: ['worker-1'] }, masters: { hosts: ['master-2'] } } };
    refused('control-plane-remove', 'master-2', lone, /the last control-plane host: the cluster would have no API/);
    const outside = { ...GROWN, groups: { ...GROWN.groups, k8s: { hosts: ['master-1', 'worker-1', 'worker-2'] } } };
    refused('control-plane-add', 'master-2', outside, /not in group "k8s"/);
  });

  it('withoutHost: the same cluster without the host, in every group, one view per host', () => {
    const c = inventory(GROWN).cluster;
    const w = withoutHost(c, 'master-2');
    assert.deepEqual(
      w.hosts.map((h) => h.name),
      ['lb-1', 'lb-2', 'master-1', 'worker-1', 'worker-2'],
    );
    assert.deepEqual(
      w.group('masters').map((h) => h.name),
      ['master-1'],
    );
    assert.deepEqual(
      w.group('k8s').map((h) => h.name),
      ['master-1', 'worker-1', 'worker-2'],
    );
    assert.equal(withoutHost(c, 'master-2'), w);
    assert.throws(() => w.group('nope'));
  });
});

describe('roles/node-ops: scoped roles', () => {
  let tmp: { dir: string; cleanup(): void };
  let spec: InventorySpec;
  before(() => {
    tmp = tempDir();
    spec = { ...GROWN, vars: { ...GROWN.vars, pki_dir: join(tmp.dir, 'pki') } };
  });
  after(() => tmp.cleanup());

  const build = <V extends object>(role: Parameters<typeof scoped<V>>[0], op: Op, o: Parameters<typeof scoped>[2], host: string, target: string) =>
    forHost(scoped(role, op, o), host, { inv: inventory(spec), overrides: { [op.replace(/-/g, '_')]: target } });

  it('refuses a bad target while the resources are built (before any host is touched), on every host', () => {
    for (const host of ['lb-1', 'worker-1']) {
      assert.throws(() => build(prereqs, 'node-remove', { target: 'all', elsewhere: namesHosts }, host, 'worker-9'), /host "worker-9" is not in the inventory/);
    }
    assert.throws(
      () => build(prereqs, 'node-add', { target: 'all', elsewhere: namesHosts }, 'lb-1', 'worker;x'),
      /var node_add: expected an inventory host name/,
    );
  });

  for (const make of [FakeHost.debian, FakeHost.rhel]) {
    it(`${make.name}: adding a worker, the others build only their /etc/hosts block and firewalld zones, the new host everything`, async () => {
      const o = { target: 'all', elsewhere: namesHosts } as const;
      const other = build(prereqs, 'node-add', o, 'master-1', 'worker-2');
      assert.deepEqual(
        other.resources.map((r) => r.id),
        ['hosts:/etc/hosts'],
      );
      const h = make('master-1');
      const { first, second } = await converge(h, other.resources);
      assert.deepEqual(changedIds(first), ['hosts:/etc/hosts']);
      assert.deepEqual(changedIds(second), []);
      assert.match(h.read('/etc/hosts')!, /10\.0\.0\.32\tworker-2\n/);
      assert.ok(build(prereqs, 'node-add', o, 'worker-2', 'worker-2').resources.length > 5, 'the new host: the whole role');
      const fw = build(firewalld, 'node-add', o, 'lb-1', 'worker-2');
      assert.deepEqual(fw.resources.map((r) => r.id).sort(), ['template:/etc/firewalld/zones/public.xml', 'template:/etc/firewalld/zones/trusted.xml']);
      assert.ok(fw.handlers['reload firewalld'], 'a changed zone still reloads firewalld');
    });

    it(`${make.name}: removing a host, the others' files leave it out and the target builds only what the removal asks`, async () => {
      const others = { target: 'none', elsewhere: namesHosts } as const;
      const h = make('lb-1');
      await converge(h, build(prereqs, 'node-add', { target: 'all', elsewhere: namesHosts }, 'lb-1', 'worker-2').resources);
      assert.match(h.read('/etc/hosts')!, /worker-2/);
      const { first, second } = await converge(h, build(prereqs, 'node-remove', others, 'lb-1', 'worker-2').resources);
      assert.deepEqual(changedIds(first), ['hosts:/etc/hosts']);
      assert.deepEqual(changedIds(second), []);
      assert.doesNotMatch(h.read('/etc/hosts')!, /worker-2/);
      assert.deepEqual(build(prereqs, 'node-remove', others, 'worker-2', 'worker-2').resources, [], 'the leaving host keeps its files');
      assert.deepEqual(
        build(reset, 'node-remove', { target: 'all', elsewhere: 'none' }, 'worker-1', 'worker-2').resources,
        [],
        'only the leaving host is reset',
      );
      const gone = make('worker-2');
      gone.seedUnit('kubelet.service', '[Service]\nExecStart=/usr/local/bin/kubelet\n', { enabled: true, active: true });
      // A worker: no static pod manifest, no pod (roles/reset/static-pods.ts).
      gone.script(probeCommand('/etc/kubernetes/manifests'), { exitCode: 0, stdout: 'dir /etc/kubernetes/manifests\nkubelet active\n' });
      const r = await converge(gone, build(reset, 'node-remove', { target: 'all', elsewhere: 'none' }, 'worker-2', 'worker-2').resources);
      assert.ok(changedIds(r.first).includes('service:kubelet.service'));
      assert.deepEqual(gone.service('kubelet.service'), { enabled: false, active: false });
    });

    it(`${make.name}: the haproxy backends follow a control-plane host coming and going`, async () => {
      const there = { target: 'none', elsewhere: 'all' } as const;
      const h = make('lb-1').offer('haproxy', { version: '2.6.12', files: { '/usr/lib/systemd/system/haproxy.service': HAPROXY_UNIT } });
      h.sysctls.set('net.ipv4.ip_nonlocal_bind', '0');
      const cfg = () => h.read('/etc/haproxy/haproxy.cfg') ?? '';
      const added = await converge(h, build(haproxy, 'control-plane-add', there, 'lb-1', 'master-2').resources);
      assert.ok(changedIds(added.first).includes('template:/etc/haproxy/haproxy.cfg'));
      assert.match(cfg(), /server master-1 10\.0\.0\.21:6443[\s\S]*server master-2 10\.0\.0\.22:6443/);
      const removed = await converge(h, build(haproxy, 'control-plane-remove', there, 'lb-1', 'master-2').resources);
      assert.deepEqual(changedIds(removed.first), ['template:/etc/haproxy/haproxy.cfg']);
      assert.deepEqual(changedIds(removed.second), []);
      assert.match(cfg(), /server master-1 10\.0\.0\.21:6443/);
      assert.doesNotMatch(cfg(), /master-2/);
    });
  }

  it('keeps the role: name, tags, rolling, handlers; adds the op var with an empty default', () => {
    const s = scoped(haproxy, 'control-plane-add', { target: 'none', elsewhere: 'all' });
    assert.equal(s.name, 'haproxy');
    assert.deepEqual(s.tags, haproxy.tags);
    assert.equal(s.rolling, haproxy.rolling);
    assert.equal((s.defaults as Record<string, unknown>)['control_plane_add'], '');
    assert.equal(s.verify?.length, haproxy.verify?.length);
  });
});
