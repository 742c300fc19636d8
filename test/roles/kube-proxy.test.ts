import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import { parse } from 'yaml';
import { ConfigError } from '../../lib/core/errors.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import type { GateContext } from '../../lib/index.js';
import { changedIds, converge, FakeHost } from '../../lib/testing/index.js';
import kubeProxy, { type KubeProxyVars } from '../../roles/kube-proxy/index.js';
import { healthzGate } from '../../roles/kube-proxy/gate.js';
import { packStandins } from '../fixtures/standins/pack.js';
import { tempDir } from '../pki/helpers.js';
import { forHost, inventory, runOn, SMALL } from './helpers.js';

describe('roles/kube-proxy', () => {
  let tmp: { dir: string; cleanup(): void };
  let spec: InventorySpec;
  before(() => {
    tmp = tempDir();
    process.env['TSPLAY_CACHE'] = join(tmp.dir, 'cache');
    spec = {
      ...SMALL,
      vars: { ...SMALL.vars, pod_cidr: '10.200.0.0/16', pki_dir: join(tmp.dir, 'pki'), k8s_artifacts: packStandins(join(tmp.dir, 'standins')).overrides },
    };
  });
  after(() => {
    delete process.env['TSPLAY_CACHE'];
    tmp.cleanup();
  });

  const build = (overrides: Record<string, unknown> = {}) => forHost(kubeProxy, 'worker-1', { inv: inventory(spec), overrides });

  for (const kind of ['debian', 'rhel'] as const) {
    it(`${kind}: binary, kubeconfig, KubeProxyConfiguration, unit, service; converges in one apply`, async () => {
      const h = kind === 'debian' ? FakeHost.debian('worker-1') : FakeHost.rhel('worker-1');
      const { first, applied, second } = await converge(h, build().resources);
      assert.deepEqual(changedIds(first), [
        'artifact:/usr/local/bin/kube-proxy',
        'directory:/etc/kubernetes',
        'file:/etc/kubernetes/kube-proxy.conf',
        'directory:/var/lib/kube-proxy',
        'template:/var/lib/kube-proxy/config.yaml',
        'unit:kube-proxy.service',
        'service:kube-proxy.service',
      ]);
      assert.equal(applied.failure, undefined);
      assert.deepEqual(changedIds(second), []);
      assert.match(h.read('/etc/kubernetes/kube-proxy.conf')!, /client-certificate-data/);
      assert.equal(h.read('/etc/kubernetes/kubelet.conf'), undefined, "the kubelet's files are the kubelet role's");
      const cfg = parse(h.read('/var/lib/kube-proxy/config.yaml')!);
      assert.deepEqual(
        [cfg.kind, cfg.clusterCIDR, cfg.mode, cfg.healthzBindAddress, cfg.hostnameOverride, cfg.clientConnection.kubeconfig],
        ['KubeProxyConfiguration', '10.200.0.0/16', 'iptables', '0.0.0.0:10256', 'worker-1', '/etc/kubernetes/kube-proxy.conf'],
      );
      assert.match(h.read('/etc/systemd/system/kube-proxy.service')!, /ExecStart=\/usr\/local\/bin\/kube-proxy --config=\/var\/lib\/kube-proxy\/config.yaml/);
      assert.deepEqual(h.service('kube-proxy.service'), { enabled: true, active: true });
    });
  }

  it('through the runner: restarts once on change, then a converged run is one round trip', async () => {
    const h = FakeHost.debian('worker-1');
    const run1 = await runOn(h, kubeProxy, 'worker-1', { inv: inventory(spec) });
    // A fresh host: started after its files were written, so no restart follows.
    assert.deepEqual([run1.error, run1.handlers], [undefined, []]);
    const trips = h.roundTrips;
    const run2 = await runOn(h, kubeProxy, 'worker-1', { inv: inventory(spec) });
    assert.deepEqual([run2.counts.changed, run2.handlers, h.roundTrips - trips], [0, [], 1]);
    const run3 = await runOn(h, kubeProxy, 'worker-1', {
      inv: inventory(spec),
      overrides: { kube_proxy_mode: 'ipvs', kube_proxy_extra_config: { conntrack: { maxPerCore: 0 } } },
    });
    assert.deepEqual([run3.counts.changed, run3.handlers], [1, ['restart kube-proxy']]);
    assert.deepEqual(parse(h.read('/var/lib/kube-proxy/config.yaml')!).conntrack, { maxPerCore: 0 });
  });

  it('refuses bad input, naming the field', () => {
    const refused = (o: Record<string, unknown>, field: string) =>
      assert.throws(
        () => build(o),
        (e: unknown) => e instanceof ConfigError && e.message.includes(`var ${field}`),
      );
    refused({ kube_proxy_mode: 'userspace' }, 'kube_proxy_mode');
    refused({ kube_proxy_healthz_port: 0 }, 'kube_proxy_healthz_port');
    refused({ kube_proxy_dir: 'var/lib' }, 'kube_proxy_dir');
    const bad = { ...spec, vars: { ...spec.vars, pod_cidr: '10.96.0.0/16' } };
    assert.throws(
      () => forHost(kubeProxy, 'worker-1', { inv: inventory(bad) }),
      (e: unknown) => e instanceof ConfigError && e.message.includes('vars.pod_cidr'),
    );
  });

  it('gate: /healthz must answer 200', async () => {
    const h = FakeHost.debian('worker-1');
    const ctx = { vars: kubeProxy.defaults, exec: (c: string) => h.exec(c) } as unknown as GateContext<KubeProxyVars>;
    h.script(/http:\/\/127.0.0.1:10256\/healthz$/, { stdout: '503' });
    await assert.rejects(healthzGate.check(ctx), /HTTP 503/);
    h.script(/http:\/\/127.0.0.1:10256\/healthz$/, { stdout: '200' });
    await healthzGate.check(ctx);
  });
});
