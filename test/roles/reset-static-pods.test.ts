/**
 * reset of a static-pod control plane (#17) on fake Debian and RHEL hosts: the manifests go first and the
 * kubelet is seen to stop the pods before the kubelet itself is stopped; check mode says so; a kubelet that
 * does not stop them leaves the host failed with the kubelet still running; a host without a kubelet gets
 * its pods stopped directly; a systemd-mode host has nothing to do here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { Action } from '../../lib/core/ops.js';
import { FakeHost } from '../../lib/testing/index.js';
import reset from '../../roles/reset/index.js';
import { changesOf, parseFound, probeCommand, stopCommand } from '../../roles/reset/static-pods.js';
import { inventory, runOn, SMALL } from './helpers.js';

const DIR = '/etc/kubernetes/manifests';
const MANIFESTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((c) => `${DIR}/${c}.yaml`);
const UNITS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((c) => `tsplay-pod-${c}-master-1-0123456789.service`);

/**
 * A host as the kubelet stand-in leaves it: manifests, the kubelet active, one pod unit per manifest. The
 * probe answers from that state; the stop removes the manifests and, `kubeletStops` or the kubelet gone,
 * the pods go (else it fails as the wait would).
 */
function staticPodHost(make: (n: string) => FakeHost, o: { kubeletActive?: boolean; kubeletStops?: boolean } = {}) {
  const h = make('master-1');
  const pods = new Set(UNITS);
  h.seedUnit('kubelet.service', '[Service]\nExecStart=/usr/local/bin/kubelet\n', { enabled: true, active: o.kubeletActive ?? true });
  h.seedUnit('etcd.service', '[Service]\nExecStart=/usr/bin/etcd\n', { enabled: true, active: true });
  for (const m of MANIFESTS) h.seedFile(m, 'apiVersion: v1\nkind: Pod\n');
  h.seedFile('/var/lib/etcd/member/snap/db', 'data');
  const kubelet = () => (h.service('kubelet.service').active ? 'active' : 'inactive');
  h.script(probeCommand(DIR), () => ({
    exitCode: 0,
    stdout: [
      `dir ${DIR}`,
      `kubelet ${kubelet()}`,
      ...MANIFESTS.filter((m) => h.read(m) !== undefined).map((m) => `manifest ${m}`),
      ...[...pods].map((u) => `pod-unit ${u}`),
      '',
    ].join('\n'),
  }));
  h.script(stopCommand(DIR, 120), () => {
    for (const m of MANIFESTS) h.fs.remove(m);
    if (kubelet() === 'active' && o.kubeletStops === false)
      return { exitCode: 1, stderr: `static pods still running 120 s after their manifests were removed from ${DIR} (kubelet active): ${[...pods].join(' ')}` };
    pods.clear();
    return { exitCode: 0 };
  });
  return { h, pods };
}

const at = (log: readonly Action[], pred: (a: Action) => boolean) => log.findIndex(pred);
const isStop = (a: Action) => a.a === 'command' && a.command === stopCommand(DIR, 120);
const stopsKubelet = (a: Action) => a.a === 'systemctl' && a.verb === 'stop' && /^kubelet(\.service)?$/.test(a.unit ?? '');

describe('roles/reset: a static-pod control plane', () => {
  for (const make of [FakeHost.debian, FakeHost.rhel]) {
    it(`${make.name}: manifests removed and the pods seen stopped by the kubelet, THEN the kubelet stopped; then nothing to do`, async () => {
      const { h, pods } = staticPodHost(make);
      const r = await runOn(h, reset, 'master-1');
      assert.equal(r.error, undefined);
      assert.deepEqual(pods.size, 0, 'no pod left');
      for (const m of MANIFESTS) assert.equal(h.read(m), undefined, m);
      const stop = at(h.log, isStop);
      assert.ok(stop >= 0, 'the stop ran');
      assert.ok(stop < at(h.log, stopsKubelet), 'before the kubelet stops');
      assert.deepEqual(h.service('kubelet.service'), { enabled: false, active: false });
      // etcd's data goes as in systemd mode.
      assert.equal(h.read('/var/lib/etcd/member/snap/db'), undefined);
      const again = await runOn(h, reset, 'master-1');
      assert.deepEqual(
        again.events.filter((e) => e.kind === 'resource' && e.status === 'changed'),
        [],
      );
    });

    it(`${make.name}: --check says the manifests go first and the kubelet stops the pods before it is stopped, changing nothing`, async () => {
      const { h, pods } = staticPodHost(make);
      const r = await runOn(h, reset, 'master-1', { mode: 'check' });
      const ev = r.events.filter((e) => e.kind === 'resource' && e.status === 'would-change');
      const ids = ev.map((e) => (e.kind === 'resource' ? e.resource : ''));
      assert.equal(ids[0], `static-pods:${DIR}`, 'first');
      assert.ok(ids.indexOf('service:kubelet.service') > 0, ids.join(' '));
      const first = ev[0]!;
      assert.ok(first.kind === 'resource');
      assert.deepEqual(first.changes, [
        { field: 'manifests', before: `kube-apiserver.yaml, kube-controller-manager.yaml, kube-scheduler.yaml in ${DIR}`, after: 'removed first' },
        {
          field: 'static pods',
          before: `pod units ${UNITS.join(', ')}`,
          after: 'stopped by the kubelet, waited for (up to 120 s), before the kubelet itself is stopped',
        },
      ]);
      assert.equal(pods.size, 3);
      assert.ok(MANIFESTS.every((m) => h.read(m) !== undefined));
      assert.equal(h.service('kubelet.service').active, true);
    });

    it(`${make.name}: a kubelet that does not stop them fails the host there, the kubelet left running`, async () => {
      const { h } = staticPodHost(make, { kubeletStops: false });
      const r = await runOn(h, reset, 'master-1');
      assert.match(String(r.error), /static pods still running 120 s after their manifests were removed/);
      assert.equal(h.service('kubelet.service').active, true, 'the kubelet still runs: it may yet stop them');
      assert.equal(at(h.log, stopsKubelet), -1);
    });
  }

  it('the kubelet already stopped: the pods are stopped directly, and check mode says so', () => {
    const f = parseFound(`dir ${DIR}\nkubelet inactive\npod-unit ${UNITS[0]}\ncontainer 3f2a\n`);
    assert.deepEqual(changesOf(f, 60), [
      {
        field: 'static pods',
        before: `pod units ${UNITS[0]}; containers 3f2a (crictl)`,
        after: 'stopped directly (the kubelet is inactive, nothing else would stop them)',
      },
    ]);
    assert.match(stopCommand(DIR, 60), /if \[ "\$k" != active \]; then systemctl stop 'tsplay-pod-\*'.*crictl --runtime-endpoint \$ep stopp \$p/s);
    assert.match(stopCommand(DIR, 60), /\$i -ge 120/, 'half-second steps');
  });

  it("the kubelet stand-in's verdicts count while the kubelet runs; a systemd-mode host has nothing to do", async () => {
    assert.match(changesOf(parseFound(`dir ${DIR}\nkubelet active\nverdicts 2\n`), 120)[0]!.before!, /2 running by the kubelet's verdicts/);
    assert.deepEqual(changesOf(parseFound(`dir ${DIR}\nkubelet active\n`), 120), []);
    const h = FakeHost.debian('master-1');
    h.script(probeCommand(DIR), { exitCode: 0, stdout: `dir ${DIR}\nkubelet inactive\n` });
    const r = await runOn(h, reset, 'master-1', { inv: inventory(SMALL) });
    assert.equal(r.error, undefined);
    assert.ok(!h.commands.some((c) => c.includes('rm -f -- "$f"')), 'no stop command');
  });

  it('reads the staticPodPath from the kubelet config, else the cluster config dir; a bad wait is refused', () => {
    const p = probeCommand('/srv/kubernetes/manifests');
    assert.match(p, /sed -n 's\/\^staticPodPath: \*\/\/p' \/var\/lib\/kubelet\/config\.yaml/);
    assert.match(p, /\|\| d=\/srv\/kubernetes\/manifests/);
    const h = FakeHost.debian('master-1');
    return runOn(h, reset, 'master-1', { overrides: { reset_static_pods_wait: 0 } }).then(
      () => assert.fail('refused'),
      (e: unknown) => assert.match(String(e), /reset_static_pods_wait: expected at least 1 second/),
    );
  });
});
