import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import { parse } from 'yaml';
import { ConfigError } from '../../lib/core/errors.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import type { GateContext } from '../../lib/index.js';
import { changedIds, converge, FakeHost } from '../../lib/testing/index.js';
import kubelet, { type KubeletVars } from '../../roles/kubelet/index.js';
import { healthzGate } from '../../roles/kubelet/gate.js';
import { packStandins, type Packed } from '../fixtures/standins/pack.js';
import { tempDir } from '../pki/helpers.js';
import { forHost, inventory, runOn, SMALL } from './helpers.js';

describe('roles/kubelet', () => {
  let tmp: { dir: string; cleanup(): void };
  let packed: Packed;
  let spec: InventorySpec;
  before(() => {
    tmp = tempDir();
    packed = packStandins(join(tmp.dir, 'standins'));
    process.env['TSPLAY_CACHE'] = join(tmp.dir, 'cache');
    spec = { ...SMALL, vars: { ...SMALL.vars, pki_dir: join(tmp.dir, 'pki'), k8s_artifacts: packed.overrides } };
  });
  after(() => {
    delete process.env['TSPLAY_CACHE'];
    tmp.cleanup();
  });

  const build = (overrides: Record<string, unknown> = {}, name = 'worker-1') => forHost(kubelet, name, { inv: inventory(spec), overrides });

  for (const kind of ['debian', 'rhel'] as const) {
    it(`${kind}: binary, PKI share, config.yaml, unit, service; converges in one apply`, async () => {
      const h = kind === 'debian' ? FakeHost.debian('worker-1') : FakeHost.rhel('worker-1');
      const { first, applied, second } = await converge(h, build().resources);
      assert.deepEqual(changedIds(first), [
        'artifact:/usr/local/bin/kubelet',
        'directory:/etc/kubernetes', 'directory:/etc/kubernetes/pki',
        'file:/etc/kubernetes/pki/ca.crt', 'file:/etc/kubernetes/pki/kubelet.crt', 'file:/etc/kubernetes/pki/kubelet.key', 'file:/etc/kubernetes/kubelet.conf',
        'directory:/var/lib/kubelet', 'template:/var/lib/kubelet/config.yaml', 'unit:kubelet.service', 'service:kubelet.service',
      ]);
      assert.equal(applied.failure, undefined);
      assert.deepEqual(changedIds(second), []);
      assert.equal(h.read('/etc/kubernetes/kube-proxy.conf'), undefined, 'kube-proxy\'s kubeconfig is the kube-proxy role\'s');
      assert.match(h.read('/usr/local/bin/kubelet')!, /kubelet STAND-IN/);
      const cfg = parse(h.read('/var/lib/kubelet/config.yaml')!);
      assert.deepEqual(
        [cfg.kind, cfg.authentication.x509.clientCAFile, cfg.authentication.anonymous.enabled, cfg.authentication.webhook.enabled, cfg.authorization.mode],
        ['KubeletConfiguration', '/etc/kubernetes/pki/ca.crt', false, true, 'Webhook'],
      );
      assert.deepEqual([cfg.clusterDNS, cfg.clusterDomain, cfg.cgroupDriver, cfg.containerRuntimeEndpoint], [['10.96.0.10'], 'cluster.local', 'systemd', 'unix:///run/containerd/containerd.sock']);
      assert.deepEqual([cfg.healthzBindAddress, cfg.healthzPort, cfg.readOnlyPort, cfg.failSwapOn], ['127.0.0.1', 10248, 0, true]);
      assert.deepEqual([cfg.tlsCertFile, cfg.tlsPrivateKeyFile], ['/etc/kubernetes/pki/kubelet.crt', '/etc/kubernetes/pki/kubelet.key']);
      const unit = h.read('/etc/systemd/system/kubelet.service')!;
      for (const flag of ['--config=/var/lib/kubelet/config.yaml', '--kubeconfig=/etc/kubernetes/kubelet.conf', '--hostname-override=worker-1', '--node-ip=10.0.0.31']) assert.ok(unit.includes(flag), flag);
      assert.match(unit, /After=network-online.target containerd.service/);
      assert.deepEqual(h.service('kubelet.service'), { enabled: true, active: true });
    });
  }

  it('through the runner: changes restart the kubelet once; a second run changes nothing in one round trip', async () => {
    const h = FakeHost.debian('worker-1');
    const run1 = await runOn(h, kubelet, 'worker-1', { inv: inventory(spec) });
    assert.equal(run1.error, undefined);
    // A fresh host: started after its files were written, so no restart follows.
    assert.deepEqual(run1.handlers, []);
    const trips = h.roundTrips;
    const run2 = await runOn(h, kubelet, 'worker-1', { inv: inventory(spec) });
    assert.deepEqual([run2.counts.changed, run2.handlers, h.roundTrips - trips], [0, [], 1]);
    const run3 = await runOn(h, kubelet, 'worker-1', { inv: inventory(spec), overrides: { cgroup_driver: 'cgroupfs', kubelet_node_labels: { 'node-role.kubernetes.io/worker': '' } } });
    assert.deepEqual([run3.counts.changed, run3.handlers], [2, ['restart kubelet']]);
    assert.match(h.read('/etc/systemd/system/kubelet.service')!, /--node-labels=node-role.kubernetes.io\/worker= /);
  });

  it('check mode changes nothing', async () => {
    const h = FakeHost.rhel('worker-1');
    const r = await runOn(h, kubelet, 'worker-1', { inv: inventory(spec), mode: 'check' });
    assert.ok(r.counts.changed > 0);
    assert.deepEqual(h.log, []);
  });

  it('docker: the CRI endpoint is cri-dockerd\'s and the unit waits for it', async () => {
    const h = FakeHost.debian('worker-1');
    await converge(h, build({ container_runtime: 'docker' }).resources);
    assert.equal(parse(h.read('/var/lib/kubelet/config.yaml')!).containerRuntimeEndpoint, 'unix:///run/cri-dockerd.sock');
    assert.match(h.read('/etc/systemd/system/kubelet.service')!, /After=network-online.target docker.service cri-docker.service/);
  });

  it('refuses bad input before any host is touched, naming the field', () => {
    const refused = (f: () => unknown, field: string) => assert.throws(f, (e: unknown) => e instanceof ConfigError && e.message.includes(field));
    refused(() => build({ kubelet_node_labels: { 'bad key!': 'x' } }), 'var kubelet_node_labels.bad key!');
    refused(() => build({ kubelet_runtime_endpoint: '/run/containerd/containerd.sock' }), 'var kubelet_runtime_endpoint');
    refused(() => build({ cgroup_driver: 'cgroup' }), 'var cgroup_driver');
    refused(() => build({ k8s_artifacts: { kubernetes: { version: '1.26.15', sha512: 'a'.repeat(128) } } }), 'k8s_artifacts.kubernetes.version');
    const dns = { ...spec, hosts: { ...spec.hosts, 'worker-1': { address: 'worker-1.example.com' } } };
    refused(() => forHost(kubelet, 'worker-1', { inv: inventory(dns) }), 'hosts.worker-1.address');
    refused(() => build({}, 'lb-1'), 'node');
  });

  it('gate: /healthz must answer ok', async () => {
    const h = FakeHost.debian('worker-1');
    const ctx = { vars: kubelet.defaults, exec: (c: string) => h.exec(c) } as unknown as GateContext<KubeletVars>;
    h.script('curl -sS --max-time 3 http://127.0.0.1:10248/healthz', { exitCode: 7, stderr: 'curl: (7) Failed to connect to 127.0.0.1 port 10248' });
    await assert.rejects(healthzGate.check(ctx), /Failed to connect.*journalctl -u kubelet/);
    h.script('curl -sS --max-time 3 http://127.0.0.1:10248/healthz', { stdout: 'ok' });
    await healthzGate.check(ctx);
  });
});

