import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import { parse } from 'yaml';
import { ConfigError } from '../../lib/core/errors.js';
import { changedIds, converge, FakeHost, prepareContext } from '../../lib/testing/index.js';
import apiserver, { componentFlags } from '../../roles/apiserver/index.js';
import { readersOf } from '../../roles/apiserver/pki.js';
import { renderFlags } from '../../roles/apiserver/units.js';
import { packStandins, type Packed } from '../fixtures/standins/pack.js';
import { forHost, inventory, runOn, SMALL } from './helpers.js';

// kubectl too: the coredns and smoke roles run it on a control-plane host.
const BIN = ['/usr/local/bin/kube-apiserver', '/usr/local/bin/kube-controller-manager', '/usr/local/bin/kube-scheduler', '/usr/local/bin/kubectl'];
const UNITS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((c) => `/etc/systemd/system/${c}.service`);

describe('roles/apiserver', () => {
  let dir: string;
  let packed: Packed;
  const inv = (extra: Record<string, unknown> = {}) =>
    inventory({
      ...SMALL,
      vars: { ...SMALL.vars, pki_dir: join(dir, 'pki'), k8s_artifacts: packed.overrides, k8s_cache_dir: join(dir, 'cache'), ...extra },
    });
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-apiserver-'));
    packed = packStandins(join(dir, 'standins'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const kind of ['debian', 'rhel'] as const) {
    it(`${kind}: a fresh control-plane host converges in one apply (binaries, PKI, units, services), then nothing is left`, async () => {
      const h = kind === 'debian' ? FakeHost.debian('master-1') : FakeHost.rhel('master-1');
      const { resources } = forHost(apiserver, 'master-1', { inv: inv() });
      const { first, applied, second } = await converge(h, resources, prepareContext('apply'));
      assert.equal(applied.failure, undefined);
      const ids = changedIds(first);
      for (const b of BIN) assert.ok(ids.includes(`artifact:${b}`), b);
      for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
        assert.ok(ids.includes(`unit:${c}.service`) && ids.includes(`service:${c}.service`), `${c}: ${ids.join(' ')}`);
        assert.ok(h.read(`/etc/systemd/system/${c}.service`)!.includes(`ExecStart=/usr/local/bin/${c} \\\n`), c);
      }
      assert.ok(ids.includes('file:/etc/kubernetes/pki/apiserver-etcd-client.key') && ids.includes('file:/etc/kubernetes/scheduler.conf'));
      assert.match(h.read('/usr/local/bin/kube-apiserver')!, /kube-apiserver STAND-IN/);
      assert.equal(h.fs.get('/etc/kubernetes/pki/sa.key')?.mode, 0o600);
      assert.deepEqual(changedIds(second), []);
    });
  }

  it('through the runner: the first run restarts each component once; a converged host costs one round trip', async () => {
    const h = FakeHost.debian('master-1');
    const i = inv();
    const first = await runOn(h, apiserver, 'master-1', { inv: i });
    assert.equal(first.error, undefined);
    // A fresh host: each component is started after its files are written, so no restart follows.
    assert.deepEqual(first.handlers, []);
    const trips = h.roundTrips;
    const second = await runOn(h, apiserver, 'master-1', { inv: i });
    assert.deepEqual([second.counts.changed, h.roundTrips - trips, second.handlers], [0, 1, []]);
  });

  it('apiserver flags: etcd over TLS on every etcd member, SA keys, service range, Node,RBAC, front proxy, kubelet client', () => {
    const i = inventory({
      ...SMALL,
      hosts: { ...SMALL.hosts, 'etcd-2': { address: '10.0.0.22' }, 'etcd-3': { address: '10.0.0.23' } },
      groups: { ...SMALL.groups, etcd: { hosts: ['master-1', 'etcd-2', 'etcd-3'] } },
    });
    const { vars, host, cluster } = forHost(apiserver, 'master-1', { inv: i });
    const f = componentFlags(vars, host, cluster);
    const a = f['kube-apiserver'];
    assert.equal(a['etcd-servers'], 'https://10.0.0.21:2379,https://10.0.0.22:2379,https://10.0.0.23:2379');
    assert.deepEqual(
      [a['etcd-cafile'], a['etcd-certfile'], a['etcd-keyfile']],
      ['/etc/kubernetes/pki/etcd/ca.crt', '/etc/kubernetes/pki/apiserver-etcd-client.crt', '/etc/kubernetes/pki/apiserver-etcd-client.key'],
    );
    assert.deepEqual(
      [a['service-account-key-file'], a['service-account-signing-key-file'], a['service-account-issuer']],
      ['/etc/kubernetes/pki/sa.pub', '/etc/kubernetes/pki/sa.key', 'https://kubernetes.default.svc.cluster.local'],
    );
    assert.deepEqual(
      [a['authorization-mode'], a['enable-admission-plugins'], a['anonymous-auth'], a['service-cluster-ip-range']],
      ['Node,RBAC', 'NodeRestriction', 'false', '10.96.0.0/12'],
    );
    assert.deepEqual([a['bind-address'], a['advertise-address'], a['secure-port']], ['10.0.0.21', '10.0.0.21', '6443']);
    assert.equal(a['requestheader-client-ca-file'], '/etc/kubernetes/pki/front-proxy-ca.crt');
    assert.equal(a['kubelet-client-certificate'], '/etc/kubernetes/pki/apiserver-kubelet-client.crt');
    const cm = f['kube-controller-manager'];
    assert.deepEqual(
      [cm['allocate-node-cidrs'], cm['cluster-cidr'], cm['cluster-signing-key-file'], cm['service-account-private-key-file'], cm.kubeconfig],
      ['true', '10.244.0.0/16', '/etc/kubernetes/pki/ca.key', '/etc/kubernetes/pki/sa.key', '/etc/kubernetes/controller-manager.conf'],
    );
    // --kubeconfig is deprecated upstream (and ignored with --config): the scheduler reads a config file.
    const s = f['kube-scheduler'];
    assert.deepEqual([s.config, s.kubeconfig, s['leader-elect']], ['/etc/kubernetes/kube-scheduler.yaml', undefined, undefined]);
  });

  it('the scheduler config file names its kubeconfig and leader election; extra config adds or replaces fields', async () => {
    const h = FakeHost.debian('master-1');
    const profiles = [{ schedulerName: 'default-scheduler' }];
    const { resources } = forHost(apiserver, 'master-1', { inv: inv(), overrides: { scheduler_extra_config: { profiles } } });
    const byId = Object.fromEntries(resources.map((r) => [r.id, r.notify]));
    assert.deepEqual(byId['template:/etc/kubernetes/kube-scheduler.yaml'], ['restart kube-scheduler']);
    await converge(h, resources, prepareContext('apply'));
    const config = parse(h.read('/etc/kubernetes/kube-scheduler.yaml')!);
    assert.deepEqual(config, {
      apiVersion: 'kubescheduler.config.k8s.io/v1',
      kind: 'KubeSchedulerConfiguration',
      clientConnection: { kubeconfig: '/etc/kubernetes/scheduler.conf' },
      leaderElection: { leaderElect: true },
      profiles,
    });
    assert.match(h.read('/etc/systemd/system/kube-scheduler.service')!, /--config=\/etc\/kubernetes\/kube-scheduler\.yaml/);
  });

  it('extra args add or replace flags; values with spaces are quoted for systemd', () => {
    const { vars, host, cluster } = forHost(apiserver, 'master-1', {
      inv: inv(),
      overrides: { apiserver_extra_args: { 'audit-log-path': '/var/log/a b.log', v: '4' } },
    });
    const lines = renderFlags(componentFlags(vars, host, cluster)['kube-apiserver']);
    // systemd.syntax(7): an opening quote may appear only at the start of an item.
    assert.ok(lines.includes('"--audit-log-path=/var/log/a b.log"') && lines.includes('--v=4') && !lines.includes('--v=2'));
  });

  it('a changed file restarts only the components that read it', () => {
    assert.deepEqual(readersOf('pki/apiserver.crt'), ['kube-apiserver']);
    assert.deepEqual(readersOf('scheduler.conf'), ['kube-scheduler']);
    assert.deepEqual(readersOf('pki/ca.key'), ['kube-controller-manager']);
    assert.deepEqual(readersOf('pki/ca.crt').length, 3);
    const { resources } = forHost(apiserver, 'master-1', { inv: inv() });
    const byId = Object.fromEntries(resources.map((r) => [r.id, r.notify]));
    assert.deepEqual(byId['file:/etc/kubernetes/scheduler.conf'], ['restart kube-scheduler']);
    assert.deepEqual(byId['file:/etc/kubernetes/admin.conf'], undefined);
    assert.deepEqual(byId['artifact:/usr/local/bin/kube-controller-manager'], ['restart kube-controller-manager']);
  });

  it('gates ask /healthz with the CA and a client certificate, then :10257 and :10259, then the API through the VIP', async () => {
    const { vars, host, cluster } = forHost(apiserver, 'master-1', { inv: inv() });
    const asked: string[] = [];
    for (const g of apiserver.verify!) await g.check({ host, vars, cluster, exec: async (c) => (asked.push(c), { exitCode: 0, stdout: 'ok', stderr: '' }) });
    assert.match(
      asked[0]!,
      /--cacert \/etc\/kubernetes\/pki\/ca\.crt --cert \/etc\/kubernetes\/pki\/apiserver-kubelet-client\.crt --key \S+ https:\/\/10\.0\.0\.21:6443\/healthz$/,
    );
    assert.match(asked[1]!, /https:\/\/10\.0\.0\.21:6443\/readyz$/);
    assert.match(asked[2]!, /-k https:\/\/127\.0\.0\.1:10257\/healthz$/);
    assert.match(asked[3]!, /-k https:\/\/127\.0\.0\.1:10259\/healthz$/);
    // Then the API through the VIP, where the load balancer must pass traffic to it before the nodes come.
    assert.match(asked[4]!, /--cacert \/etc\/kubernetes\/pki\/ca\.crt --cert \S+ --key \S+ https:\/\/10\.0\.0\.10:6443\/healthz$/);
    const failing = apiserver.verify![0]!.check({
      host,
      vars,
      cluster,
      exec: async () => ({ exitCode: 22, stdout: '{"code":401}', stderr: 'curl: (22) 401' }),
    });
    await assert.rejects(failing, /kube-apiserver \/healthz: curl exited 22: curl: \(22\) 401/);
  });

  it('bad vars are refused with the field named', () => {
    const bad = (overrides: Record<string, unknown>, field: RegExp) =>
      assert.throws(
        () => forHost(apiserver, 'master-1', { inv: inv(), overrides }),
        (e: unknown) => e instanceof ConfigError && field.test(e.message),
      );
    bad({ apiserver_authorization_mode: ['Node', 'RBAK'] }, /var apiserver_authorization_mode\.1:/);
    bad({ apiserver_bind_address: 'not-an-ip' }, /var apiserver_bind_address:/);
    bad({ k8s_arch: 'sparc' }, /var k8s_arch:/);
    bad({ k8s_artifacts: { kubernetes: { sha512: 'xyz' } } }, /var k8s_artifacts\.kubernetes\.sha512:/);
    bad({ apiserver_extra_args: { '--v': '3' } }, /var apiserver_extra_args\.--v:/);
    bad({ node_cidr_mask_size: 40 }, /var node_cidr_mask_size:/);
    assert.throws(
      () => forHost(apiserver, 'master-1', { inv: inv({ k8s_artifacts: { kubernetes: { url: 'https://mirror.example/k.tgz' } } }) }),
      /k8s_artifacts\.kubernetes.*changed url needs its checksum/s,
    );
  });

  it('the stand-ins are packed like the release: kubernetes/server/bin/<binary>, reproducibly', () => {
    const again = packStandins(join(dir, 'standins-2'));
    assert.equal(again.kubernetes.sha512, packed.kubernetes.sha512);
    assert.match(packed.kubernetes.url, /^file:\/\/.*\/kubernetes-server-linux-amd64\.tar\.gz$/);
    assert.deepEqual(Object.keys(packed.overrides), ['kubernetes', 'flannel', 'cni-plugins', 'flannel-cni']);
    assert.ok(UNITS.length === 3);
  });
});
