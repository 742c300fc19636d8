import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'mocha';
import { ConfigError } from '../../lib/core/errors.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import type { GateContext } from '../../lib/index.js';
import { changedIds, converge, FakeHost } from '../../lib/testing/index.js';
import flannel, { type FlannelVars } from '../../roles/flannel/index.js';
import { within } from '../../roles/flannel/cidr.js';
import { judgeSubnetEnv, subnetGate } from '../../roles/flannel/gate.js';
import { packStandins } from '../fixtures/standins/pack.js';
import { tempDir } from '../pki/helpers.js';
import { forHost, inventory, runOn, SMALL } from './helpers.js';

describe('roles/flannel', () => {
  let tmp: { dir: string; cleanup(): void };
  let spec: InventorySpec;
  let plugin: { url: string; sha256: string };
  before(() => {
    tmp = tempDir();
    process.env['TSPLAY_CACHE'] = join(tmp.dir, 'cache');
    spec = { ...SMALL, vars: { ...SMALL.vars, pki_dir: join(tmp.dir, 'pki'), k8s_artifacts: packStandins(join(tmp.dir, 'standins')).overrides } };
    const bin = join(tmp.dir, 'flannel-cni');
    writeFileSync(bin, '#!/bin/sh\necho flannel cni\n');
    plugin = { url: pathToFileURL(bin).href, sha256: createHash('sha256').update('#!/bin/sh\necho flannel cni\n').digest('hex') };
  });
  after(() => {
    delete process.env['TSPLAY_CACHE'];
    tmp.cleanup();
  });

  const build = (overrides: Record<string, unknown> = {}) => forHost(flannel, 'worker-1', { inv: inventory(spec), overrides });

  for (const kind of ['debian', 'rhel'] as const) {
    it(`${kind}: flanneld, kubeconfig, net-conf.json, CNI conflist, unit, service; converges in one apply`, async () => {
      const h = kind === 'debian' ? FakeHost.debian('worker-1') : FakeHost.rhel('worker-1');
      const { first, applied, second } = await converge(h, build().resources);
      assert.deepEqual(changedIds(first), [
        'artifact:/usr/local/bin/flanneld', 'directory:/etc/kubernetes', 'file:/etc/kubernetes/kubelet.conf',
        'directory:/etc/kube-flannel', 'template:/etc/kube-flannel/net-conf.json', 'directory:/etc/cni/net.d', 'template:/etc/cni/net.d/10-flannel.conflist',
        'unit:flanneld.service', 'service:flanneld.service',
      ]);
      assert.equal(applied.failure, undefined);
      assert.deepEqual(changedIds(second), []);
      assert.match(h.read('/usr/local/bin/flanneld')!, /flanneld STAND-IN/);
      assert.deepEqual(JSON.parse(h.read('/etc/kube-flannel/net-conf.json')!), { Network: '10.244.0.0/16', SubnetLen: 24, EnableNFTables: false, Backend: { Type: 'vxlan', VNI: 1, Port: 8472 } });
      const cni = JSON.parse(h.read('/etc/cni/net.d/10-flannel.conflist')!);
      assert.deepEqual(cni.plugins.map((p: { type: string }) => p.type), ['flannel', 'portmap']);
      const unit = h.read('/etc/systemd/system/flanneld.service')!;
      for (const s of ['Type=notify', 'Environment=NODE_NAME=worker-1', '--kube-subnet-mgr', '--kubeconfig-file=/etc/kubernetes/kubelet.conf', '--net-config-path=/etc/kube-flannel/net-conf.json', '--subnet-file=/run/flannel/subnet.env', '--public-ip=10.0.0.31', '--ip-masq']) assert.ok(unit.includes(s), s);
      assert.deepEqual(h.service('flanneld.service'), { enabled: true, active: true });
    });
  }

  it('through the runner: restarts once on change; a converged run is one round trip; the CNI plugin when given', async () => {
    const h = FakeHost.debian('worker-1');
    const run1 = await runOn(h, flannel, 'worker-1', { inv: inventory(spec) });
    // A fresh host: started after its files were written, so no restart follows.
    assert.deepEqual([run1.error, run1.handlers], [undefined, []]);
    const trips = h.roundTrips;
    const run2 = await runOn(h, flannel, 'worker-1', { inv: inventory(spec) });
    assert.deepEqual([run2.counts.changed, run2.handlers, h.roundTrips - trips], [0, [], 1]);
    const run3 = await runOn(h, flannel, 'worker-1', { inv: inventory(spec), overrides: { flannel_cni_plugin: plugin, flannel_cni_bin_dir: '/usr/lib/cni' } });
    assert.deepEqual([run3.counts.changed, run3.handlers], [1, []]);
    assert.equal(h.read('/usr/lib/cni/flannel'), '#!/bin/sh\necho flannel cni\n');
    // A conflist change alone needs no restart (the runtime reads it per pod); net-conf does.
    const run4 = await runOn(h, flannel, 'worker-1', { inv: inventory(spec), overrides: { flannel_backend: 'host-gw' } });
    assert.deepEqual([run4.counts.changed, run4.handlers], [1, ['restart flanneld']]);
  });

  it('a kubeconfig of its own is not pushed from the node PKI', () => {
    const ids = build({ flannel_kubeconfig: '/etc/kubernetes/flannel.conf' }).resources.map((r) => r.id);
    assert.ok(!ids.includes('file:/etc/kubernetes/kubelet.conf'));
  });

  it('refuses bad input, naming the field', () => {
    const refused = (o: Record<string, unknown>, field: string) => assert.throws(() => build(o), (e: unknown) => e instanceof ConfigError && e.message.includes(`var ${field}`));
    refused({ flannel_backend: 'udp' }, 'flannel_backend');
    refused({ flannel_subnet_len: 40 }, 'flannel_subnet_len');
    refused({ flannel_iface: 'eth0; rm -rf /' }, 'flannel_iface');
    refused({ flannel_cni_plugin: { url: 'ftp://x/flannel', sha256: 'a'.repeat(64) } }, 'flannel_cni_plugin.url');
    assert.throws(() => build({ k8s_artifacts: { flannel: { url: 'https://mirror.example/flanneld' } } }), (e: unknown) => e instanceof ConfigError && e.message.includes('vars.k8s_artifacts.flannel') && /needs its checksum/.test(e.message));
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
});
