import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'mocha';
import { ConfigError } from '../../lib/core/errors.js';
import type { GateContext } from '../../lib/index.js';
import { changedIds, converge, FakeHost } from '../../lib/testing/index.js';
import runtime, { type RuntimeVars } from '../../roles/runtime/index.js';
import { containerdConfig } from '../../roles/runtime/containerd.js';
import { needsCriDockerd, serviceUnit } from '../../roles/runtime/cri-dockerd.js';
import { daemonSettings } from '../../roles/runtime/docker.js';
import { DOCKER_RPM_KEY, DOCKER_RPM_KEY_FINGERPRINT } from '../../roles/runtime/docker-rpm-key.js';
import { judgeCtrPlugins, runtimeGate } from '../../roles/runtime/gate.js';
import { containerdCniDirs, criDockerdCniDirs } from '../../roles/flannel/cni-gate.js';
import { packStandins, type Packed } from '../fixtures/standins/pack.js';
import { forHost, inventory, runOn, SMALL } from './helpers.js';

const UNIT = '[Service]\nExecStart=/usr/bin/x\n';

/** A host offering the runtime packages (each with its unit file, as the real packages ship one). */
function fresh(kind: 'debian' | 'rhel'): FakeHost {
  const h = kind === 'debian' ? FakeHost.debian('worker-1') : FakeHost.rhel('worker-1');
  const lib = kind === 'debian' ? '/lib/systemd/system' : '/usr/lib/systemd/system';
  h.offer('containerd', { files: { [`${lib}/containerd.service`]: UNIT } }).offer('containerd.io', { files: { [`${lib}/containerd.service`]: UNIT } });
  h.offer('runc').offer('docker-ce-cli');
  for (const p of ['docker.io', 'docker-ce']) h.offer(p, { files: { [`${lib}/docker.service`]: UNIT } });
  // The RHEL family gets its runtime packages from Docker's repository, refreshed once it is added.
  if (kind === 'rhel') h.script(MAKECACHE, {});
  return h;
}

const MAKECACHE = "dnf makecache -y --disablerepo='*' --enablerepo=docker-ce-stable";
/** Repository first, on the RHEL family only (on Debian the resource has nothing to do). */
const repo = (kind: 'debian' | 'rhel') => (kind === 'rhel' ? ['repository:docker-ce-stable'] : []);

const CNI_PLUGINS = ['bridge', 'host-local', 'loopback', 'portmap', 'bandwidth', 'firewall'];

/** The CNI plugins tarball, release-shaped (Debian's binaries where this machine has them, else placeholders). */
let packed: Packed;
let cacheDir: string;
before(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'tsplay-runtime-cni-'));
  packed = packStandins(join(cacheDir, 'standins'));
});
after(() => rmSync(cacheDir, { recursive: true, force: true }));
const cni = () => ({ 'cni-plugins': packed.overrides['cni-plugins']! });
const inv = (vars: Record<string, unknown> = {}, hostVars: Record<string, unknown> = {}) =>
  inventory({
    ...SMALL,
    hosts: { ...SMALL.hosts, 'worker-1': { address: '10.0.0.31', vars: hostVars } },
    vars: { ...SMALL.vars, k8s_artifacts: cni(), ...vars },
  });

describe('roles/runtime: containerd (default)', () => {
  for (const kind of ['debian', 'rhel'] as const) {
    it(`${kind}: CNI plugins from the release into /opt/cni/bin, packages, config.toml reading that dir, service; converges in one apply`, async () => {
      const h = fresh(kind);
      process.env['TSPLAY_CACHE'] = join(cacheDir, 'cache');
      const { resources } = forHost(runtime, 'worker-1', { inv: inv() });
      const { first, applied, second } = await converge(h, resources);
      const pkgs = 'containerd,runc,containerd.io';
      assert.deepEqual(changedIds(first), [
        'directory:/opt/cni/bin',
        `artifact:${CNI_PLUGINS.map((p) => `/opt/cni/bin/${p}`).join(',')}`,
        'directory:/etc/cni/net.d',
        ...repo(kind),
        `package:${pkgs}`,
        'directory:/etc/containerd',
        'template:/etc/containerd/config.toml',
        'service:containerd.service',
      ]);
      assert.equal(applied.failure, undefined);
      assert.deepEqual(changedIds(second), []);
      for (const p of CNI_PLUGINS) assert.equal(h.fs.get(`/opt/cni/bin/${p}`)?.mode, 0o755, p);
      const toml = h.read('/etc/containerd/config.toml')!;
      assert.match(toml, /SystemdCgroup = true/);
      assert.match(toml, /sandbox_image = "registry.k8s.io\/pause:3.10"/);
      // The dir the plugins went to, on every family (Debian's containerd alone would read /usr/lib/cni).
      assert.deepEqual(containerdCniDirs(toml), {
        binDirs: ['/opt/cni/bin'],
        confDir: '/etc/cni/net.d',
        source: 'containerd config dump, plugins."io.containerd.grpc.v1.cri".cni',
      });
      assert.doesNotMatch(toml, /disabled_plugins/);
      assert.deepEqual(h.service('containerd.service'), { enabled: true, active: true });
      const installed = h.log.filter((a) => a.a === 'package').map((a) => a.a === 'package' && a.names.join(','));
      assert.deepEqual(installed, kind === 'debian' ? ['containerd,runc'] : ['containerd.io']);
      delete process.env['TSPLAY_CACHE'];
    });
  }

  it("rhel: Docker's repository signed by Docker's key (gpgcheck) comes before containerd.io; pins install exactly that version", async () => {
    const h = fresh('rhel');
    h.offer('containerd.io', { version: '1.7.28-1.el9', versions: ['1.7.27-3.1.el9'], files: { '/usr/lib/systemd/system/containerd.service': UNIT } });
    process.env['TSPLAY_CACHE'] = join(cacheDir, 'cache');
    const { resources } = forHost(runtime, 'worker-1', { inv: inv({ runtime_package_versions: { 'containerd.io': '1.7.27-3.1.el9' } }) });
    const { applied } = await converge(h, resources);
    delete process.env['TSPLAY_CACHE'];
    assert.equal(applied.failure, undefined);
    const repoFile = h.read('/etc/yum.repos.d/docker-ce-stable.repo')!;
    assert.match(repoFile, /^baseurl=https:\/\/download\.docker\.com\/linux\/centos\/\$releasever\/\$basearch\/stable$/m);
    assert.match(repoFile, /^gpgcheck=1$/m);
    assert.equal(h.read('/etc/pki/rpm-gpg/RPM-GPG-KEY-docker-ce-stable'), DOCKER_RPM_KEY);
    assert.deepEqual(h.commands, [MAKECACHE]);
    assert.equal(h.installed.get('containerd.io'), '1.7.27-3.1.el9');
  });

  it('the Docker key is the one Docker publishes (fingerprint 060A 61C5 ... 621E 9F35), checked by gpg where it exists', function () {
    try {
      execFileSync('gpg', ['--version'], { stdio: 'ignore' });
    } catch {
      this.skip();
    }
    const out = execFileSync('gpg', ['--show-keys', '--with-colons'], {
      input: DOCKER_RPM_KEY,
      encoding: 'utf8',
      env: { ...process.env, GNUPGHOME: mkdtempSync(join(tmpdir(), 'tsplay-gpg-')) },
    });
    assert.deepEqual(
      out
        .split('\n')
        .filter((l) => l.startsWith('fpr:'))
        .map((l) => l.split(':')[9]),
      [DOCKER_RPM_KEY_FINGERPRINT],
    );
  });

  it('a pin for a package the runtime does not install is refused, naming it; runtime_docker_repo: false leaves the repository out', () => {
    assert.throws(
      () => forHost(runtime, 'worker-1', { inv: inv({ runtime_package_versions: { 'docker-ce': '27.0.0-1.el9' } }) }),
      /vars\.runtime_package_versions\.docker-ce: pins docker-ce, which the containerd runtime does not install \(it installs containerd, runc, containerd\.io\)/,
    );
    assert.throws(
      () => forHost(runtime, 'worker-1', { inv: inv({ runtime_package_versions: { 'containerd.io': '-1' } }) }),
      /runtime_package_versions\.containerd\.io: expected a package version/,
    );
    const ids = forHost(runtime, 'worker-1', { inv: inv({ runtime_docker_repo: false }) }).resources.map((r) => r.id);
    assert.ok(!ids.some((id) => id.startsWith('repository:')), ids.join(' '));
  });

  it('through the runner: the changed config restarts containerd once; a second run changes nothing in one round trip', async () => {
    process.env['TSPLAY_CACHE'] = join(cacheDir, 'cache');
    const h = fresh('debian');
    const run1 = await runOn(h, runtime, 'worker-1', { inv: inv() });
    assert.equal(run1.error, undefined);
    assert.deepEqual(run1.handlers, ['restart containerd']);
    const trips = h.roundTrips;
    const run2 = await runOn(h, runtime, 'worker-1', { inv: inv() });
    assert.deepEqual([run2.counts.changed, run2.handlers, h.roundTrips - trips], [0, [], 1]);
    // A new cgroup driver rewrites the config and restarts again.
    const run3 = await runOn(h, runtime, 'worker-1', { inv: inv(), overrides: { cgroup_driver: 'cgroupfs', runtime_snapshotter: 'native' } });
    assert.deepEqual([run3.counts.changed, run3.handlers], [1, ['restart containerd']]);
    assert.match(h.read('/etc/containerd/config.toml')!, /SystemdCgroup = false/);
    assert.match(h.read('/etc/containerd/config.toml')!, /snapshotter = "native"/);
    // Another cni_bin_dir: the plugins go there and containerd is told to read there, in one change each.
    const run4 = await runOn(h, runtime, 'worker-1', { inv: inv({ cni_bin_dir: '/usr/libexec/cni' }) });
    assert.equal(run4.error, undefined);
    assert.ok(h.read('/usr/libexec/cni/bridge') !== undefined);
    assert.deepEqual(containerdCniDirs(h.read('/etc/containerd/config.toml')!).binDirs, ['/usr/libexec/cni']);
    delete process.env['TSPLAY_CACHE'];
  });

  it('config version 3 (containerd 2.x): the CRI runtime plugin reads cni_bin_dir as bin_dirs', () => {
    const v: RuntimeVars = { ...runtime.defaults, runtime_containerd_config_version: 3, cni_bin_dir: '/srv/cni', cni_conf_dir: '/srv/net.d' };
    const toml = containerdConfig(v);
    assert.match(toml, /^version = 3$/m);
    assert.match(toml, /\[plugins\."io\.containerd\.cri\.v1\.images"\.pinned_images\]\n\s+sandbox = "registry\.k8s\.io\/pause:3\.10"/);
    assert.doesNotMatch(toml, /grpc\.v1\.cri|bin_dir =/);
    assert.deepEqual(containerdCniDirs(toml), {
      binDirs: ['/srv/cni'],
      confDir: '/srv/net.d',
      source: 'containerd config dump, plugins."io.containerd.cri.v1.runtime".cni',
    });
    assert.match(containerdConfig({ ...v, runtime_containerd_config_version: 2 }), /^version = 2$[\s\S]*bin_dir = "\/srv\/cni"/m);
  });

  it('check mode changes nothing', async () => {
    process.env['TSPLAY_CACHE'] = join(cacheDir, 'cache');
    const h = fresh('rhel');
    const r = await runOn(h, runtime, 'worker-1', { inv: inv(), mode: 'check' });
    assert.ok(r.counts.changed > 0);
    assert.deepEqual(h.log, []);
    delete process.env['TSPLAY_CACHE'];
  });
});

describe('roles/runtime: docker', () => {
  let dir: string;
  let criDockerd: Record<string, unknown>;
  before(() => {
    // A release-shaped cri-dockerd tarball (the real one cannot be downloaded here).
    dir = mkdtempSync(join(tmpdir(), 'tsplay-runtime-'));
    mkdirSync(join(dir, 'src', 'cri-dockerd'), { recursive: true });
    writeFileSync(join(dir, 'src', 'cri-dockerd', 'cri-dockerd'), '#!/bin/sh\necho cri-dockerd\n');
    const tgz = join(dir, 'cri-dockerd-0.3.24.amd64.tgz');
    execFileSync('tar', ['-czf', tgz, '-C', join(dir, 'src'), 'cri-dockerd']);
    criDockerd = { url: pathToFileURL(tgz).href, sha256: createHash('sha256').update(readFileSync(tgz)).digest('hex') };
    process.env['TSPLAY_CACHE'] = join(dir, 'cache');
  });
  after(() => {
    delete process.env['TSPLAY_CACHE'];
    rmSync(dir, { recursive: true, force: true });
  });

  const overrides = () => ({ container_runtime: 'docker', k8s_artifacts: { 'cri-dockerd': criDockerd, ...cni() } });

  for (const kind of ['debian', 'rhel'] as const) {
    it(`${kind}: docker + daemon.json + cri-dockerd (binary, socket, service); converges`, async () => {
      const h = fresh(kind);
      const run1 = await runOn(h, runtime, 'worker-1', { overrides: overrides() });
      assert.equal(run1.error, undefined);
      assert.deepEqual(run1.handlers, ['restart docker', 'restart cri-dockerd']);
      const json = JSON.parse(h.read('/etc/docker/daemon.json')!);
      assert.deepEqual(json, {
        'exec-opts': ['native.cgroupdriver=systemd'],
        iptables: false,
        'ip-masq': false,
        mtu: 1450,
        'log-driver': 'json-file',
        'log-opts': { 'max-size': '50m', 'max-file': '5' },
      });
      assert.equal(h.read('/usr/local/bin/cri-dockerd'), '#!/bin/sh\necho cri-dockerd\n');
      const svc = h.read('/etc/systemd/system/cri-docker.service')!;
      assert.match(svc, /--container-runtime-endpoint=fd:\/\/ /);
      assert.match(svc, /--cni-bin-dir=\/opt\/cni\/bin --cni-conf-dir=\/etc\/cni\/net.d /);
      assert.ok(h.read('/opt/cni/bin/portmap') !== undefined, 'the plugins are where cri-dockerd reads');
      assert.match(svc, /--pod-infra-container-image=registry.k8s.io\/pause:3.10/);
      assert.match(h.read('/etc/systemd/system/cri-docker.socket')!, /ListenStream=\/run\/cri-dockerd.sock/);
      for (const u of ['docker.service', 'cri-docker.socket', 'cri-docker.service']) assert.deepEqual(h.service(u), { enabled: true, active: true }, u);
      const run2 = await runOn(h, runtime, 'worker-1', { overrides: overrides() });
      assert.deepEqual([run2.counts.changed, run2.handlers], [0, []]);
    });
  }

  it('daemon.json: bridge, storage driver and extra keys; cri-dockerd only for Kubernetes >= 1.24', () => {
    const v: RuntimeVars = {
      ...runtime.defaults,
      container_runtime: 'docker',
      runtime_docker_bridge: 'none',
      runtime_docker_storage_driver: 'vfs',
      runtime_docker_extra: { 'live-restore': true },
    };
    assert.deepEqual(Object.keys(daemonSettings(v)), [
      'exec-opts',
      'bridge',
      'iptables',
      'ip-masq',
      'mtu',
      'storage-driver',
      'log-driver',
      'log-opts',
      'live-restore',
    ]);
    assert.equal(needsCriDockerd(v), true);
    const old = { ...v, k8s_artifacts: { kubernetes: { version: '1.23.17', sha256: 'a'.repeat(64) } } };
    assert.equal(needsCriDockerd(old), false);
    assert.equal(needsCriDockerd({ ...old, runtime_cri_dockerd: true }), true);
    assert.equal(needsCriDockerd({ ...v, container_runtime: 'containerd' }), false);
    // cri-dockerd's flags, read back the way the flannel role's CNI gate reads them.
    assert.deepEqual(criDockerdCniDirs(serviceUnit({ ...v, cni_bin_dir: '/srv/cni' })), {
      binDirs: ['/srv/cni'],
      confDir: '/etc/cni/net.d',
      source: 'cri-dockerd --cni-bin-dir/--cni-conf-dir',
    });
  });
});

describe('roles/runtime: bad input and gates', () => {
  const refused = (overrides: Record<string, unknown>, field: string) =>
    assert.throws(
      () => forHost(runtime, 'worker-1', { overrides }),
      (e: unknown) => e instanceof ConfigError && e.message.includes(`var ${field}`),
    );

  it('refuses, before any host is touched, CNI dirs the runtime would not read', () => {
    const refusedIn = (i: ReturnType<typeof inv>, field: string, re: RegExp, overrides: Record<string, unknown> = {}) =>
      assert.throws(
        () => forHost(runtime, 'worker-1', { inv: i, overrides }),
        (e: unknown) => e instanceof ConfigError && e.message.includes(field) && re.test(e.message),
      );
    // A var name from before the one home: it would be ignored, and the plugins and config would disagree with it.
    refusedIn(inv({ flannel_cni_bin_dir: '/usr/lib/cni' }), 'hosts.worker-1.vars.flannel_cni_bin_dir', /is now cni_bin_dir/);
    refusedIn(inv({}, { runtime_cni_conf_dir: '/etc/cni' }), 'hosts.worker-1.vars.runtime_cni_conf_dir', /is now cni_conf_dir/);
    // One role's own value: flannel would install into and check another dir than containerd reads.
    refusedIn(
      inv({ runtime: { cni_bin_dir: '/usr/lib/cni' } }),
      'hosts.worker-1.vars.runtime.cni_bin_dir',
      /for one role only, but the runtime reads "\/opt\/cni\/bin"/,
    );
    refusedIn(inv({}, { flannel: { cni_bin_dir: '/usr/lib/cni' } }), 'hosts.worker-1.vars.flannel.cni_bin_dir', /for one role only/);
    // docker with cri-dockerd off: nothing reads the CNI dirs at all.
    refusedIn(inv(), 'vars.runtime_cri_dockerd', /reads no CNI config/, { container_runtime: 'docker', runtime_cri_dockerd: false });
    // The same value set once, or set once per host, is fine.
    forHost(runtime, 'worker-1', { inv: inv({ cni_bin_dir: '/usr/lib/cni' }, { cni_bin_dir: '/srv/cni', runtime: { cni_bin_dir: '/srv/cni' } }) });
  });

  it('refuses bad vars, naming the field', () => {
    refused({ container_runtime: 'crio' }, 'container_runtime');
    refused({ cgroup_driver: 'system' }, 'cgroup_driver');
    refused({ runtime_sandbox_image: 'pause 3.10' }, 'runtime_sandbox_image');
    refused({ runtime_docker_mtu: 70000 }, 'runtime_docker_mtu');
    refused({ runtime_docker_ip_masq: true }, 'runtime_docker_ip_masq');
    refused({ cni_bin_dir: 'opt/cni' }, 'cni_bin_dir');
    refused({ cni_conf_dir: '/etc/cni net.d' }, 'cni_conf_dir');
    refused({ runtime_containerd_config_version: 4 }, 'runtime_containerd_config_version');
    refused({ k8s_artifacts: { 'cri-docker': {} } }, 'k8s_artifacts');
  });

  it('containerd gate: the CRI plugin must be ok', () => {
    judgeCtrPlugins('TYPE                  ID    PLATFORMS      STATUS\nio.containerd.grpc.v1 cri   linux/amd64    ok\n');
    assert.throws(() => judgeCtrPlugins('io.containerd.grpc.v1 cri linux/amd64 error\n'), /"error".*snapshotter/);
    assert.throws(() => judgeCtrPlugins('io.containerd.grpc.v1 introspection - ok\n'), /without its CRI plugin/);
  });

  it('gates run against the host: containerd answers and has its socket; docker reports the matching cgroup driver', async () => {
    const h = FakeHost.debian('worker-1');
    h.script('ctr version >/dev/null && ctr plugins ls', { stdout: 'io.containerd.grpc.v1 cri linux/amd64 ok\n' });
    h.script('test -S /run/containerd/containerd.sock', { exitCode: 0 });
    const ctx = (vars: RuntimeVars) => ({ vars, exec: (c: string) => h.exec(c) }) as unknown as GateContext<RuntimeVars>;
    await runtimeGate.check(ctx(runtime.defaults));
    h.script("docker info --format '{{.CgroupDriver}}'", { stdout: 'cgroupfs\n' });
    const dockerVars = { ...runtime.defaults, container_runtime: 'docker' as const, runtime_cri_dockerd: false };
    await assert.rejects(runtimeGate.check(ctx(dockerVars)), /docker uses the cgroupfs cgroup driver, the kubelet is set for systemd/);
    await runtimeGate.check(ctx({ ...dockerVars, cgroup_driver: 'cgroupfs' }));
  });
});
