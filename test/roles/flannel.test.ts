import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'mocha';
import { ConfigError } from '../../lib/core/errors.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import type { GateContext } from '../../lib/index.js';
import { changedIds, converge, FakeHost } from '../../lib/testing/index.js';
import flannel, { type FlannelVars } from '../../roles/flannel/index.js';
import { within } from '../../roles/flannel/cidr.js';
import { judgeSubnetEnv, subnetGate } from '../../roles/flannel/gate.js';
import { cniGate, containerdCniDirs, criDockerdCniDirs, judgeCni, listingCommand, parseListing, pluginsOf } from '../../roles/flannel/cni-gate.js';
import { conflist } from '../../roles/flannel/config.js';
import { routedThrough } from '../../roles/flannel/host-gw.js';
import flannelNetwork, { wanted } from '../../roles/flannel-network/index.js';
import { packStandins, type Packed } from '../fixtures/standins/pack.js';
import { tempDir } from '../pki/helpers.js';
import { forHost, hostOf, inventory, runOn, SMALL, varsFor } from './helpers.js';

describe('roles/flannel', () => {
  let tmp: { dir: string; cleanup(): void };
  let spec: InventorySpec;
  let packed: Packed;
  before(() => {
    tmp = tempDir();
    process.env['TSPLAY_CACHE'] = join(tmp.dir, 'cache');
    packed = packStandins(join(tmp.dir, 'standins'));
    spec = { ...SMALL, vars: { ...SMALL.vars, pki_dir: join(tmp.dir, 'pki'), k8s_artifacts: packed.overrides } };
  });
  after(() => {
    delete process.env['TSPLAY_CACHE'];
    tmp.cleanup();
  });

  const build = (overrides: Record<string, unknown> = {}) => forHost(flannel, 'worker-1', { inv: inventory(spec), overrides });

  for (const kind of ['debian', 'rhel'] as const) {
    it(`${kind}: flanneld, kubeconfig, net-conf.json, the flannel CNI plugin then its conflist, unit, service; converges in one apply`, async () => {
      const h = kind === 'debian' ? FakeHost.debian('worker-1') : FakeHost.rhel('worker-1');
      const { first, applied, second } = await converge(h, build().resources);
      assert.deepEqual(changedIds(first), [
        'artifact:/usr/local/bin/flanneld',
        'directory:/etc/kubernetes',
        'file:/etc/kubernetes/kubelet.conf',
        'directory:/etc/kube-flannel',
        'template:/etc/kube-flannel/net-conf.json',
        'directory:/opt/cni/bin',
        'artifact:/opt/cni/bin/flannel',
        'directory:/etc/cni/net.d',
        'template:/etc/cni/net.d/10-flannel.conflist',
        'unit:flanneld.service',
        'service:flanneld.service',
      ]);
      // The plugin the conflist names, from the flannel-io/cni-plugin tarball (./flannel-amd64), in the runtime's dir.
      assert.match(h.read('/opt/cni/bin/flannel')!, /flannel CNI plugin STAND-IN/);
      assert.equal(h.fs.get('/opt/cni/bin/flannel')?.mode, 0o755);
      assert.equal(applied.failure, undefined);
      assert.deepEqual(changedIds(second), []);
      assert.match(h.read('/usr/local/bin/flanneld')!, /flanneld STAND-IN/);
      assert.deepEqual(JSON.parse(h.read('/etc/kube-flannel/net-conf.json')!), {
        Network: '10.244.0.0/16',
        SubnetLen: 24,
        EnableNFTables: false,
        Backend: { Type: 'vxlan', VNI: 1, Port: 8472 },
      });
      const cni = JSON.parse(h.read('/etc/cni/net.d/10-flannel.conflist')!);
      assert.deepEqual(
        cni.plugins.map((p: { type: string }) => p.type),
        ['flannel', 'portmap'],
      );
      const unit = h.read('/etc/systemd/system/flanneld.service')!;
      for (const s of [
        'Type=notify',
        'Environment=NODE_NAME=worker-1',
        '--kube-subnet-mgr',
        '--kubeconfig-file=/etc/kubernetes/kubelet.conf',
        '--net-config-path=/etc/kube-flannel/net-conf.json',
        '--subnet-file=/run/flannel/subnet.env',
        '--public-ip=10.0.0.31',
        '--ip-masq',
      ])
        assert.ok(unit.includes(s), s);
      assert.deepEqual(h.service('flanneld.service'), { enabled: true, active: true });
    });
  }

  it('through the runner: restarts once on change; a converged run is one round trip; cni_conf_dir and cni_bin_dir move the conflist and plugin', async () => {
    const h = FakeHost.debian('worker-1');
    const run1 = await runOn(h, flannel, 'worker-1', { inv: inventory(spec) });
    // A fresh host: started after its files were written, so no restart follows.
    assert.deepEqual([run1.error, run1.handlers], [undefined, []]);
    const trips = h.roundTrips;
    const run2 = await runOn(h, flannel, 'worker-1', { inv: inventory(spec) });
    assert.deepEqual([run2.counts.changed, run2.handlers, h.roundTrips - trips], [0, [], 1]);
    const moved = { ...spec, vars: { ...spec.vars, cni_bin_dir: '/usr/lib/cni', cni_conf_dir: '/etc/cni/conf.d' } };
    const run3 = await runOn(h, flannel, 'worker-1', { inv: inventory(moved) });
    assert.deepEqual([run3.error, run3.handlers], [undefined, []]);
    assert.match(h.read('/usr/lib/cni/flannel')!, /flannel CNI plugin STAND-IN/);
    assert.ok(h.read('/etc/cni/conf.d/10-flannel.conflist'));
    // A conflist change alone needs no restart (the runtime reads it per pod); net-conf does.
    const vni = await runOn(h, flannel, 'worker-1', { inv: inventory(spec), overrides: { flannel_vxlan_vni: 2 } });
    assert.deepEqual([vni.counts.changed, vni.handlers], [1, ['restart flanneld']]);
  });

  it('a kubeconfig of its own is not pushed from the node PKI', () => {
    const ids = build({ flannel_kubeconfig: '/etc/kubernetes/flannel.conf' }).resources.map((r) => r.id);
    assert.ok(!ids.includes('file:/etc/kubernetes/kubelet.conf'));
  });

  it('refuses bad input, naming the field', () => {
    const refused = (o: Record<string, unknown>, field: string) =>
      assert.throws(
        () => build(o),
        (e: unknown) => e instanceof ConfigError && e.message.includes(`var ${field}`),
      );
    refused({ flannel_backend: 'udp' }, 'flannel_backend');
    refused({ flannel_subnet_len: 40 }, 'flannel_subnet_len');
    refused({ flannel_iface: 'eth0; rm -rf /' }, 'flannel_iface');
    refused({ cni_bin_dir: 'opt/cni/bin' }, 'cni_bin_dir');
    assert.throws(
      () => build({ k8s_artifacts: { flannel: { url: 'https://mirror.example/flanneld' } } }),
      (e: unknown) => e instanceof ConfigError && e.message.includes('vars.k8s_artifacts.flannel') && /needs its checksum/.test(e.message),
    );
    // The flannel CNI plugin from the table, which has no published digest for it: refused, saying where to read one.
    const { 'flannel-cni': _drop, ...noPlugin } = packed.overrides;
    assert.throws(
      () => build({ k8s_artifacts: noPlugin }),
      (e: unknown) => e instanceof ConfigError && e.message.includes('vars.k8s_artifacts.flannel-cni') && /\.tgz\.sha256/.test(e.message),
    );
    // A CNI dir for flannel alone: it would put its plugin where the runtime does not read.
    const scoped = { ...spec, vars: { ...spec.vars, flannel: { cni_bin_dir: '/usr/lib/cni' } } };
    assert.throws(
      () => forHost(flannel, 'worker-1', { inv: inventory(scoped) }),
      (e: unknown) => e instanceof ConfigError && e.message.includes('hosts.worker-1.vars.flannel.cni_bin_dir'),
    );
    const legacy = { ...spec, vars: { ...spec.vars, flannel_cni_bin_dir: '/usr/lib/cni' } };
    assert.throws(
      () => forHost(flannel, 'worker-1', { inv: inventory(legacy) }),
      (e: unknown) => e instanceof ConfigError && /flannel_cni_bin_dir is now cni_bin_dir/.test(e.message),
    );
  });

  it('gate: subnet.env must exist with FLANNEL_SUBNET inside pod_cidr', async () => {
    const env = (subnet: string, network = '10.244.0.0/16') => `FLANNEL_NETWORK=${network}\nFLANNEL_SUBNET=${subnet}\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n`;
    assert.equal(judgeSubnetEnv(env('10.244.16.1/24'), '10.244.0.0/16'), '10.244.16.1/24');
    assert.throws(() => judgeSubnetEnv(env('10.245.16.1/24'), '10.244.0.0/16'), /outside pod_cidr/);
    assert.throws(() => judgeSubnetEnv(env('10.244.16.1/24', '10.0.0.0/8'), '10.244.0.0/16'), /FLANNEL_NETWORK 10.0.0.0\/8 is not pod_cidr/);
    assert.throws(() => judgeSubnetEnv('FLANNEL_MTU=1450\n', '10.244.0.0/16'), /no FLANNEL_SUBNET/);
    assert.ok(within('fd00:10:244:5::1/64', 'fd00:10:244::/48') && !within('fd00:10:245::1/64', 'fd00:10:244::/48'));
    assert.ok(!within('10.244.0.0/8', '10.244.0.0/16'), 'a wider subnet is not inside');

    const inv = inventory(spec);
    const h = FakeHost.debian('worker-1');
    const ctx = { vars: flannel.defaults, cluster: inv.cluster, exec: (c: string) => h.exec(c) } as unknown as GateContext<FlannelVars>;
    h.script('cat /run/flannel/subnet.env', { exitCode: 1, stderr: 'No such file or directory' });
    await assert.rejects(subnetGate.check(ctx), /subnet.env is missing/);
    h.script('cat /run/flannel/subnet.env', { stdout: env('10.244.31.1/24') });
    await subnetGate.check(ctx);
  });

  describe('gate: every plugin of every network config is an executable where the runtime reads', () => {
    const DUMP_16 = readFileSync(fileURLToPath(new URL('../fixtures/containerd/config-dump-1.6.20.toml', import.meta.url)), 'utf8');
    // containerd 2.1's dump (go-toml v2 quotes keys with ''): the CRI runtime plugin, bin_dirs beside the deprecated bin_dir.
    const DUMP_21 =
      "version = 3\n[plugins]\n  [plugins.'io.containerd.cri.v1.runtime']\n    [plugins.'io.containerd.cri.v1.runtime'.cni]\n      bin_dir = ''\n      bin_dirs = ['/opt/cni/bin', '/usr/lib/cni']\n      conf_dir = '/etc/cni/net.d'\n      max_conf_num = 1\n";
    const DUMP_20 = "version = 3\n[plugins]\n  [plugins.'io.containerd.cri.v1.runtime'.cni]\n    bin_dir = '/opt/cni/bin'\n    conf_dir = '/etc/cni/net.d'\n";
    const FLANNEL = JSON.stringify(conflist());
    const ALL = ['flannel', 'bridge', 'host-local', 'portmap', 'loopback'];
    const execs = (dir: string, names: readonly string[]) => new Set(names.map((n) => `${dir}/${n}`));

    it('reads the dirs from containerd 1.x and 2.x dumps and cri-dockerd flags', () => {
      assert.deepEqual(containerdCniDirs(DUMP_16), {
        binDirs: ['/opt/cni/bin'],
        confDir: '/etc/cni/net.d',
        source: 'containerd config dump, plugins."io.containerd.grpc.v1.cri".cni',
      });
      assert.deepEqual(containerdCniDirs(DUMP_21).binDirs, ['/opt/cni/bin', '/usr/lib/cni']);
      assert.deepEqual(containerdCniDirs(DUMP_20).binDirs, ['/opt/cni/bin']);
      assert.throws(() => containerdCniDirs('version = 2\n[plugins]\n'), /no CRI cni section/);
      const systemd =
        '{ path=/usr/local/bin/cri-dockerd ; argv[]=/usr/local/bin/cri-dockerd --container-runtime-endpoint=fd:// --network-plugin=cni --cni-bin-dir=/srv/a,/srv/b --cni-conf-dir /srv/net.d ; ignore_errors=no }';
      assert.deepEqual(criDockerdCniDirs(systemd), {
        binDirs: ['/srv/a', '/srv/b'],
        confDir: '/srv/net.d',
        source: 'cri-dockerd --cni-bin-dir/--cni-conf-dir',
      });
      assert.deepEqual(criDockerdCniDirs('/usr/bin/cri-dockerd').binDirs, ['/opt/cni/bin']);
    });

    it("needs each type, flannel's delegate (bridge unless told) with host-local IPAM, and loopback", () => {
      assert.deepEqual(pluginsOf(conflist()), ['flannel', 'bridge', 'host-local', 'portmap']);
      assert.deepEqual(pluginsOf({ type: 'flannel', delegate: { type: 'ipvlan' }, ipam: { type: 'static' } }), ['flannel', 'static', 'ipvlan']);
      const dirs = containerdCniDirs(DUMP_16);
      assert.deepEqual(judgeCni(dirs, new Map([['/etc/cni/net.d/10-flannel.conflist', FLANNEL]]), execs('/opt/cni/bin', ALL)).sort(), [...ALL].sort());
      for (const missing of ALL) {
        assert.throws(
          () =>
            judgeCni(
              dirs,
              new Map([['/etc/cni/net.d/10-flannel.conflist', FLANNEL]]),
              execs(
                '/opt/cni/bin',
                ALL.filter((p) => p !== missing),
              ),
            ),
          new RegExp(`CNI plugin "${missing}" .*is not an executable file in /opt/cni/bin, the dir the runtime reads \\(containerd config dump`),
          missing,
        );
      }
      // Every config counts, not only flannel's; a broken one is named.
      const more = new Map([
        ['/etc/cni/net.d/10-flannel.conflist', FLANNEL],
        ['/etc/cni/net.d/99-extra.conf', '{"type":"macvlan"}'],
      ]);
      assert.throws(() => judgeCni(dirs, more, execs('/opt/cni/bin', ALL)), /"macvlan" \(needed by \/etc\/cni\/net.d\/99-extra.conf\)/);
      assert.throws(() => judgeCni(dirs, new Map([['/etc/cni/net.d/x.conf', '{']]), execs('/opt/cni/bin', ALL)), /x.conf is not JSON/);
      assert.throws(() => judgeCni(dirs, new Map(), execs('/opt/cni/bin', ALL)), /no network config in \/etc\/cni\/net.d/);
      assert.throws(() => judgeCni(dirs, new Map([['/etc/cni/net.d/a.conf', '{"type":"../../bin/sh"}']]), execs('/opt/cni/bin', ALL)), /not a file name/);
    });

    it('the listing command, run by a real shell, finds the configs and only executable files', () => {
      const d = join(tmp.dir, 'cni-listing');
      execFileSync('sh', [
        '-c',
        `mkdir -p ${d}/net.d ${d}/bin && echo '${FLANNEL}' > ${d}/net.d/10-flannel.conflist && echo x > ${d}/net.d/README && for p in flannel bridge host-local loopback; do printf '#!/bin/sh\\n' > ${d}/bin/$p; chmod 755 ${d}/bin/$p; done && echo x > ${d}/bin/portmap`,
      ]);
      const dirs = { binDirs: [`${d}/bin`], confDir: `${d}/net.d`, source: 'test' };
      const { confs, executables } = parseListing(execFileSync('sh', ['-c', listingCommand(dirs)], { encoding: 'utf8' }));
      assert.deepEqual([...confs.keys()], [`${d}/net.d/10-flannel.conflist`]);
      assert.deepEqual(
        [...executables].sort(),
        ['bridge', 'flannel', 'host-local', 'loopback'].map((p) => `${d}/bin/${p}`),
      );
      assert.throws(
        () => judgeCni(dirs, confs, executables),
        /CNI plugin "portmap" \(needed by .*10-flannel.conflist\) is not an executable file in .*\/bin, the dir the runtime reads \(test\)/,
      );
    });

    for (const kind of ['debian', 'rhel'] as const) {
      it(`${kind}: against the host: containerd's dump, then the configs and plugins where it reads; docker: cri-dockerd's flags`, async () => {
        const h = kind === 'debian' ? FakeHost.debian('worker-1') : FakeHost.rhel('worker-1');
        const ctx = (vars: FlannelVars) => ({ vars, cluster: inventory(spec).cluster, exec: (c: string) => h.exec(c) }) as unknown as GateContext<FlannelVars>;
        const listing = (binDir: string, plugins: readonly string[]) =>
          `==> /etc/cni/net.d/10-flannel.conflist <==\n${FLANNEL}\n==> executables <==\n${plugins.map((p) => `${binDir}/${p}`).join('\n')}\n`;
        h.script('containerd config dump', { stdout: DUMP_16 });
        h.script(listingCommand(containerdCniDirs(DUMP_16)), { stdout: listing('/opt/cni/bin', ALL) });
        await cniGate.check(ctx(flannel.defaults));
        // Debian's containerd left to itself reads /usr/lib/cni: the plugins in /opt/cni/bin are then not where it reads.
        const debianDefault = DUMP_16.replace('bin_dir = "/opt/cni/bin"', 'bin_dir = "/usr/lib/cni"');
        h.script('containerd config dump', { stdout: debianDefault });
        h.script(listingCommand(containerdCniDirs(debianDefault)), { stdout: listing('/usr/lib/cni', ['bridge', 'host-local', 'portmap', 'loopback']) });
        await assert.rejects(
          cniGate.check(ctx(flannel.defaults)),
          /CNI plugin "flannel" \(needed by \/etc\/cni\/net.d\/10-flannel.conflist\) is not an executable file in \/usr\/lib\/cni/,
        );
        const docker = { ...flannel.defaults, container_runtime: 'docker' as const };
        const execStart =
          '{ path=/usr/local/bin/cri-dockerd ; argv[]=/usr/local/bin/cri-dockerd --network-plugin=cni --cni-bin-dir=/opt/cni/bin --cni-conf-dir=/etc/cni/net.d ; }';
        h.script('systemctl show -p ExecStart --value cri-docker.service', { stdout: execStart });
        h.script(listingCommand(criDockerdCniDirs(execStart)), {
          stdout: listing(
            '/opt/cni/bin',
            ALL.filter((p) => p !== 'loopback'),
          ),
        });
        await assert.rejects(
          cniGate.check(ctx(docker)),
          /CNI plugin "loopback" \(needed by the runtime.*\/opt\/cni\/bin, the dir the runtime reads \(cri-dockerd/,
        );
      });
    }
  });

  it('the flannel CNI plugin stand-in: VERSION per the CNI spec; ADD reads subnet.env and delegates to bridge in CNI_PATH', () => {
    const d = join(tmp.dir, 'flannel-cni-standin');
    execFileSync('sh', [
      '-c',
      `mkdir -p ${d}/bin && tar -xzf ${packed.flannelCni.path} -C ${d} && printf '#!/bin/sh\\necho "{\\\\"delegated\\\\": $(cat)}"\\n' > ${d}/bin/bridge && chmod 755 ${d}/bin/bridge`,
    ]);
    const run = (env: Record<string, string>, stdin = '') => {
      try {
        return {
          code: 0,
          out: JSON.parse(execFileSync(join(d, 'flannel-amd64'), { input: stdin, env: { PATH: process.env['PATH']!, ...env }, encoding: 'utf8' })),
        };
      } catch (e) {
        const err = e as { status: number; stdout: string };
        return { code: err.status, out: JSON.parse(err.stdout) };
      }
    };
    const version = run({ CNI_COMMAND: 'VERSION' });
    assert.equal(version.code, 0);
    assert.ok(version.out.supportedVersions.includes('0.3.1') && typeof version.out.cniVersion === 'string');
    const env = {
      CNI_COMMAND: 'ADD',
      CNI_CONTAINERID: 'x',
      CNI_NETNS: '/proc/self/ns/net',
      CNI_IFNAME: 'eth0',
      CNI_PATH: join(d, 'bin'),
      FLANNEL_CNI_STANDIN_SUBNET_ENV: join(d, 'subnet.env'),
    };
    const conf = JSON.stringify({ ...(conflist().plugins as object[])[0], name: 'cbr0', cniVersion: '0.3.1' });
    const missing = run(env, conf);
    assert.deepEqual([missing.code, missing.out.code], [1, 11]);
    assert.match(missing.out.msg, /subnet\.env/);
    writeFileSync(join(d, 'subnet.env'), 'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.7.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n');
    const added = run(env, conf);
    assert.equal(added.code, 0);
    assert.deepEqual(added.out.delegated, {
      hairpinMode: true,
      isDefaultGateway: true,
      type: 'bridge',
      name: 'cbr0',
      cniVersion: '0.3.1',
      mtu: 1450,
      isGateway: true,
      ipMasq: false,
      ipam: { type: 'host-local', ranges: [[{ subnet: '10.244.7.0/24' }]], routes: [{ dst: '10.244.0.0/16' }] },
    });
    const noBridge = run({ ...env, CNI_PATH: join(d, 'nothing') }, conf);
    assert.deepEqual([noBridge.code, noBridge.out.code], [1, 5]);
  });
});

describe('roles/flannel: the backend, one value for the cluster', () => {
  let tmp: { dir: string; cleanup(): void };
  let packed: Packed;
  before(() => {
    tmp = tempDir();
    process.env['TSPLAY_CACHE'] = join(tmp.dir, 'cache');
    packed = packStandins(join(tmp.dir, 'standins'));
  });
  after(() => {
    delete process.env['TSPLAY_CACHE'];
    tmp.cleanup();
  });
  const specWith = (vars: Record<string, unknown>): InventorySpec => ({
    ...SMALL,
    vars: { ...SMALL.vars, pki_dir: join(tmp.dir, 'pki'), k8s_artifacts: packed.overrides, ...vars },
  });
  const ROUTES = (via?: string) =>
    `${['10.0.0.21', '10.0.0.11', '10.0.0.12'].map((a) => `${a} ${via ? `via ${via} ` : ''}dev eth0 src 10.0.0.31 uid 0 \\    cache`).join('\n')}\n`;

  it('parses ip -o route get: a gateway is named, a direct route is not', () => {
    assert.deepEqual(routedThrough(ROUTES(), ['10.0.0.21']), []);
    assert.deepEqual(
      routedThrough(`10.0.0.21 via 10.0.0.1 dev eth0 src 10.0.0.31 uid 0 \\    cache\nlocal 10.0.0.31 dev lo src 10.0.0.31 uid 0\n`, [
        '10.0.0.21',
        '10.0.0.31',
      ]),
      [{ address: '10.0.0.21', via: '10.0.0.1' }],
    );
  });

  for (const kind of ['debian', 'rhel'] as const) {
    it(`${kind}: host-gw writes Backend host-gw after checking every node is on this host's segment; a routed node fails the host before any change`, async () => {
      const inv = inventory(specWith({ flannel_backend: 'host-gw' }));
      const h = (kind === 'debian' ? FakeHost.debian('worker-1') : FakeHost.rhel('worker-1')).script(/^ip -o route get /, { exitCode: 0, stdout: ROUTES() });
      const ok = await runOn(h, flannel, 'worker-1', { inv });
      assert.equal(ok.error, undefined);
      assert.deepEqual(JSON.parse(h.read('/etc/kube-flannel/net-conf.json')!).Backend, { Type: 'host-gw' });
      const routed = (kind === 'debian' ? FakeHost.debian('worker-1') : FakeHost.rhel('worker-1')).script(/^ip -o route get /, {
        exitCode: 0,
        stdout: ROUTES('10.0.0.1'),
      });
      const bad = await runOn(routed, flannel, 'worker-1', { inv });
      assert.match(
        bad.error?.message ?? '',
        /host-gw needs every node on this host's L2 segment, but worker-1 reaches master-1 \(10\.0\.0\.21\) via 10\.0\.0\.1: use vxlan or wireguard/,
      );
      assert.equal(routed.read('/etc/kube-flannel/net-conf.json'), undefined, 'nothing changed');
    });
  }

  it("vxlan and wireguard ask no routes; a backend set for flannel alone is refused (the firewall reads the cluster's)", () => {
    const ids = (vars: Record<string, unknown>, overrides: Record<string, unknown> = {}) =>
      forHost(flannel, 'worker-1', { inv: inventory(specWith(vars)), overrides }).resources.map((r) => r.id);
    assert.ok(!ids({}).includes('host-gw:same-segment'));
    assert.ok(!ids({ flannel_backend: 'wireguard' }).includes('host-gw:same-segment'));
    assert.ok(ids({ flannel_backend: 'host-gw' }).includes('host-gw:same-segment'));
    assert.throws(
      () => ids({}, { flannel_backend: 'host-gw' }),
      (e: unknown) => e instanceof ConfigError && /flannel_backend "host-gw" for flannel only, but the cluster's is "vxlan"/.test(e.message),
    );
    const perGroup: InventorySpec = { ...specWith({}), groups: { ...SMALL.groups, workers: { hosts: ['worker-1'], vars: { flannel_backend: 'host-gw' } } } };
    assert.throws(
      () => forHost(flannel, 'worker-1', { inv: inventory(perGroup) }),
      (e: unknown) => e instanceof ConfigError && /flannel_backend is cluster-wide/.test(e.message),
    );
  });
});

describe("roles/flannel and flannel-network: flannel's etcd subnet manager", () => {
  let tmp: { dir: string; cleanup(): void };
  let packed: Packed;
  let inv: ReturnType<typeof inventory>;
  before(async () => {
    tmp = tempDir();
    process.env['TSPLAY_CACHE'] = join(tmp.dir, 'cache');
    packed = packStandins(join(tmp.dir, 'standins'));
    inv = inventory({
      ...SMALL,
      vars: {
        ...SMALL.vars,
        pki_dir: join(tmp.dir, 'pki'),
        k8s_artifacts: packed.overrides,
        flannel_subnet_manager: 'etcd',
        flannel_etcd_prefix: '/example.com/net',
      },
    });
  });
  after(() => {
    delete process.env['TSPLAY_CACHE'];
    tmp.cleanup();
  });
  const ETCD_DIR = '/etc/kubernetes/pki/etcd';

  for (const kind of ['debian', 'rhel'] as const) {
    it(`${kind}: flanneld talks to every etcd member with its own client certificate; no kubeconfig, no --kube-subnet-mgr`, async () => {
      const h = kind === 'debian' ? FakeHost.debian('worker-1') : FakeHost.rhel('worker-1');
      const r = await runOn(h, flannel, 'worker-1', { inv });
      assert.equal(r.error, undefined);
      const unit = h.read('/etc/systemd/system/flanneld.service')!;
      assert.match(unit, /--etcd-endpoints=https:\/\/10\.0\.0\.21:2379 /);
      assert.match(
        unit,
        new RegExp(
          `--etcd-prefix=/example.com/net .*--etcd-cafile=${ETCD_DIR}/ca.crt .*--etcd-certfile=${ETCD_DIR}/flannel-client.crt .*--etcd-keyfile=${ETCD_DIR}/flannel-client.key`,
          's',
        ),
      );
      assert.doesNotMatch(unit, /--kube-subnet-mgr|--kubeconfig-file/);
      assert.match(h.read(`${ETCD_DIR}/flannel-client.crt`) ?? '', /BEGIN CERTIFICATE/);
      assert.equal(h.read('/etc/kubernetes/kubelet.conf'), undefined, 'the kubelet role pushes that one; flannel does not need it');
      const again = await runOn(h, flannel, 'worker-1', { inv });
      assert.equal(again.counts.changed, 0);
    });

    it(`${kind}: flannel-network puts the network config in etcd from the first member only, and only when it differs`, async () => {
      const get = /etcdctl .* get '\/example\.com\/net\/config' --print-value-only/;
      const { value } = wanted(varsFor(flannelNetwork, hostOf(inv, 'master-1')) as never, inv.cluster);
      assert.deepEqual(JSON.parse(value), { Network: '10.244.0.0/16', SubnetLen: 24, EnableNFTables: false, Backend: { Type: 'vxlan', VNI: 1, Port: 8472 } });
      const h = (kind === 'debian' ? FakeHost.debian('master-1') : FakeHost.rhel('master-1'))
        .script(get, { exitCode: 0, stdout: '\n' })
        .script(/ put '\/example\.com\/net\/config' /, { exitCode: 0, stdout: 'OK\n' });
      const first = await runOn(h, flannelNetwork, 'master-1', { inv });
      assert.equal(first.error, undefined);
      assert.equal(first.counts.changed, 1);
      assert.ok(
        h.commands.some((c) => c.includes(`put '/example.com/net/config' '${value}'`)),
        'etcdctl put with the config',
      );
      const same = (kind === 'debian' ? FakeHost.debian('master-1') : FakeHost.rhel('master-1')).script(get, { exitCode: 0, stdout: `${value}\n` });
      assert.equal((await runOn(same, flannelNetwork, 'master-1', { inv })).counts.changed, 0);
      const kube = inventory({ ...SMALL, vars: { ...SMALL.vars, pki_dir: join(tmp.dir, 'pki'), k8s_artifacts: packed.overrides } });
      assert.deepEqual(forHost(flannelNetwork, 'master-1', { inv: kube }).resources, [], 'nothing with the kube subnet manager');
    });
  }
});
