import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'mocha';
import { parse, stringify } from 'yaml';
import { ConfigError } from '../../lib/core/errors.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import type { GateContext } from '../../lib/index.js';
import { changedIds, converge, FakeHost } from '../../lib/testing/index.js';
import kubelet, { type KubeletVars } from '../../roles/kubelet/index.js';
import { healthzGate } from '../../roles/kubelet/gate.js';
import { conflist } from '../../roles/flannel/config.js';
import { packStandins, standinScript, type Packed } from '../fixtures/standins/pack.js';
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
        'directory:/etc/kubernetes',
        'directory:/etc/kubernetes/pki',
        'file:/etc/kubernetes/pki/ca.crt',
        'file:/etc/kubernetes/pki/kubelet.crt',
        'file:/etc/kubernetes/pki/kubelet.key',
        'file:/etc/kubernetes/kubelet.conf',
        'directory:/var/lib/kubelet',
        'template:/var/lib/kubelet/config.yaml',
        'unit:kubelet.service',
        'service:kubelet.service',
      ]);
      assert.equal(applied.failure, undefined);
      assert.deepEqual(changedIds(second), []);
      assert.equal(h.read('/etc/kubernetes/kube-proxy.conf'), undefined, "kube-proxy's kubeconfig is the kube-proxy role's");
      assert.match(h.read('/usr/local/bin/kubelet')!, /kubelet STAND-IN/);
      const cfg = parse(h.read('/var/lib/kubelet/config.yaml')!);
      assert.deepEqual(
        [cfg.kind, cfg.authentication.x509.clientCAFile, cfg.authentication.anonymous.enabled, cfg.authentication.webhook.enabled, cfg.authorization.mode],
        ['KubeletConfiguration', '/etc/kubernetes/pki/ca.crt', false, true, 'Webhook'],
      );
      assert.deepEqual(
        [cfg.clusterDNS, cfg.clusterDomain, cfg.cgroupDriver, cfg.containerRuntimeEndpoint],
        [['10.96.0.10'], 'cluster.local', 'systemd', 'unix:///run/containerd/containerd.sock'],
      );
      assert.deepEqual([cfg.healthzBindAddress, cfg.healthzPort, cfg.readOnlyPort, cfg.failSwapOn], ['127.0.0.1', 10248, 0, true]);
      assert.deepEqual([cfg.tlsCertFile, cfg.tlsPrivateKeyFile], ['/etc/kubernetes/pki/kubelet.crt', '/etc/kubernetes/pki/kubelet.key']);
      const unit = h.read('/etc/systemd/system/kubelet.service')!;
      for (const flag of [
        '--config=/var/lib/kubelet/config.yaml',
        '--kubeconfig=/etc/kubernetes/kubelet.conf',
        '--hostname-override=worker-1',
        '--node-ip=10.0.0.31',
      ])
        assert.ok(unit.includes(flag), flag);
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
    const run3 = await runOn(h, kubelet, 'worker-1', {
      inv: inventory(spec),
      overrides: { cgroup_driver: 'cgroupfs', kubelet_node_labels: { 'node-role.kubernetes.io/worker': '' } },
    });
    assert.deepEqual([run3.counts.changed, run3.handlers], [2, ['restart kubelet']]);
    assert.match(h.read('/etc/systemd/system/kubelet.service')!, /--node-labels=node-role.kubernetes.io\/worker= /);
  });

  it('check mode changes nothing', async () => {
    const h = FakeHost.rhel('worker-1');
    const r = await runOn(h, kubelet, 'worker-1', { inv: inventory(spec), mode: 'check' });
    assert.ok(r.counts.changed > 0);
    assert.deepEqual(h.log, []);
  });

  it("docker: the CRI endpoint is cri-dockerd's and the unit waits for it", async () => {
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

/**
 * The kubelet stand-in run for real on this machine (python3), with the files the kubelet role writes, a
 * listening runtime socket, and a `containerd` on PATH that prints containerd 1.6's real config dump with
 * the CNI dirs pointed at a scratch dir: it must refuse to start on a conflist naming a missing plugin, and
 * report one that appears later on /healthz, the way the flannel role's gate judges them.
 */
describe('kubelet stand-in: the pod network, asked of the runtime', function () {
  this.timeout(30000);
  let tmp: { dir: string; cleanup(): void };
  let sock: Server;
  let script: string;
  let port = 0;
  const procs: ChildProcess[] = [];
  const d = (...p: string[]) => join(tmp.dir, ...p);
  const FLANNEL = JSON.stringify(conflist());
  const plugin = (name: string) => {
    writeFileSync(d('bin', name), '#!/bin/sh\n');
    chmodSync(d('bin', name), 0o755);
  };

  before(async () => {
    tmp = tempDir();
    process.env['TSPLAY_CACHE'] = d('cache');
    const packed = packStandins(d('standins'));
    const spec: InventorySpec = { ...SMALL, vars: { ...SMALL.vars, pki_dir: d('pki'), k8s_artifacts: packed.overrides } };
    const h = FakeHost.debian('worker-1');
    await converge(h, forHost(kubelet, 'worker-1', { inv: inventory(spec) }).resources);
    delete process.env['TSPLAY_CACHE'];
    for (const sub of ['bin', 'net.d', 'fakebin', 'etc']) mkdirSync(d(sub), { recursive: true });
    for (const f of ['pki/ca.crt', 'pki/kubelet.crt', 'pki/kubelet.key', 'kubelet.conf']) {
      mkdirSync(d('etc', 'pki'), { recursive: true });
      writeFileSync(d('etc', f), h.read(`/etc/kubernetes/${f}`)!);
    }
    sock = await new Promise<Server>((ok) => {
      const srv = createServer();
      srv.listen(d('containerd.sock'), () => ok(srv));
    });
    port = await new Promise<number>((ok) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const a = srv.address();
        srv.close(() => ok(typeof a === 'object' && a ? a.port : 0));
      });
    });
    const cfg = parse(h.read('/var/lib/kubelet/config.yaml')!);
    cfg.authentication.x509.clientCAFile = d('etc', 'pki', 'ca.crt');
    Object.assign(cfg, {
      tlsCertFile: d('etc', 'pki', 'kubelet.crt'),
      tlsPrivateKeyFile: d('etc', 'pki', 'kubelet.key'),
      containerRuntimeEndpoint: `unix://${d('containerd.sock')}`,
      healthzPort: port,
    });
    writeFileSync(d('etc', 'config.yaml'), stringify(cfg));
    const dump = readFileSync(fileURLToPath(new URL('../fixtures/containerd/config-dump-1.6.20.toml', import.meta.url)), 'utf8')
      .replace('bin_dir = "/opt/cni/bin"', `bin_dir = "${d('bin')}"`)
      .replace('conf_dir = "/etc/cni/net.d"', `conf_dir = "${d('net.d')}"`);
    writeFileSync(d('dump.toml'), dump);
    writeFileSync(d('fakebin', 'containerd'), `#!/bin/sh\n[ "$1 $2" = "config dump" ] && exec cat ${d('dump.toml')}\nexit 2\n`);
    chmodSync(d('fakebin', 'containerd'), 0o755);
    script = d('kubelet');
    writeFileSync(script, standinScript('kubelet'), { mode: 0o755 });
  });
  after(() => {
    for (const p of procs) p.kill('SIGKILL');
    sock?.close();
    tmp.cleanup();
  });

  function start(): { proc: ChildProcess; exited: Promise<{ code: number | null; stderr: string }> } {
    const proc = spawn(
      'python3',
      [
        script,
        `--config=${d('etc', 'config.yaml')}`,
        `--kubeconfig=${d('etc', 'kubelet.conf')}`,
        '--hostname-override=worker-1',
        '--node-ip=127.0.0.1',
        '--v=2',
      ],
      { env: { ...process.env, PATH: `${d('fakebin')}:${process.env['PATH']}` }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    procs.push(proc);
    let stderr = '';
    proc.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    return { proc, exited: new Promise((ok) => proc.on('exit', (code) => ok({ code, stderr }))) };
  }
  const healthz = async () => {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      return `${r.status} ${await r.text()}`;
    } catch {
      return 'down';
    }
  };
  const until = async (want: RegExp, ms = 8000) => {
    const end = Date.now() + ms;
    let last = '';
    while (Date.now() < end) {
      if (want.test((last = await healthz()))) return last;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`/healthz never matched ${want}: last ${last}`);
  };

  it('refuses to start when a conflist present names a plugin that is not in the bin dir containerd reads', async () => {
    writeFileSync(d('net.d', '10-flannel.conflist'), FLANNEL);
    for (const p of ['bridge', 'host-local', 'portmap', 'loopback']) plugin(p);
    const { code, stderr } = await start().exited;
    assert.equal(code, 1);
    assert.match(
      stderr,
      new RegExp(
        `CNI plugin 'flannel' \\(needed by ${d('net.d')}/10-flannel.conflist\\) is not an executable file in ${d('bin')}, the dir the runtime reads \\(containerd config dump\\)`,
      ),
    );
  });

  it('starts before any conflist, then reports one naming a missing plugin on /healthz until the plugin is there', async () => {
    // As in site.ts: the kubelet starts before flannel writes its conflist.
    rmSync(d('net.d', '10-flannel.conflist'), { force: true });
    const { proc } = start();
    assert.equal(await until(/^200 ok$/), '200 ok');
    writeFileSync(d('net.d', '10-flannel.conflist'), FLANNEL);
    assert.match(await until(/^500/), /network plugin not ready: CNI plugin 'flannel' .* is not an executable file/);
    plugin('flannel');
    assert.equal(await until(/^200 ok$/), '200 ok');
    proc.kill();
  });
});
