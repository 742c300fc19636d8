import assert from 'node:assert/strict';
import { ConfigError } from '../../lib/core/errors.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import type { RunEvent } from '../../lib/report/events.js';
import { runRole } from '../../lib/runner/role-run.js';
import { FakeHost, prepareContext } from '../../lib/testing/index.js';
import etcd, { RESTART, type EtcdVars } from '../../roles/etcd/index.js';
import { healthCommand, judgeHealth } from '../../roles/etcd/gate.js';
import { tempDir } from '../pki/helpers.js';
import { forHost, inventory } from './helpers.js';

const THREE = (pkiDir: string, extra: Partial<InventorySpec['vars']> = {}): InventorySpec => ({
  hosts: {
    'etcd-1': { address: '10.0.0.21' },
    'etcd-2': { address: '10.0.0.22' },
    'etcd-3': { address: '10.0.0.23' },
    'worker-1': { address: '10.0.0.31' },
  },
  groups: { etcd: { hosts: ['etcd-1', 'etcd-2', 'etcd-3'] }, masters: { hosts: ['etcd-1'] }, workers: { hosts: ['worker-1'] } },
  vars: { cluster_name: 'demo', pki_dir: pkiDir, ...extra },
});

const URLS = ['https://10.0.0.21:2379', 'https://10.0.0.22:2379', 'https://10.0.0.23:2379'];
const healthy = (urls = URLS) => JSON.stringify(urls.map((endpoint) => ({ endpoint, health: true, took: '2ms' })));

/** A host where the flavour's etcd packages can be installed and etcdctl answers the gate. */
function fresh(kind: 'debian' | 'rhel', name: string, health = healthy()): FakeHost {
  const h = kind === 'debian' ? FakeHost.debian(name) : FakeHost.rhel(name);
  for (const p of kind === 'debian' ? ['etcd-server', 'etcd-client'] : ['etcd']) h.offer(p, { version: '3.4.23' });
  return h.script(/etcdctl .* endpoint health --cluster -w json$/, { stdout: health });
}

type Overrides = Partial<EtcdVars>;

/** The role on one fake host the way the runner runs it: prepare (PKI), plan, apply, handlers, gate. */
async function run(fake: FakeHost, name: string, spec: InventorySpec, o: { overrides?: Overrides; mode?: 'apply' | 'check' } = {}) {
  const r = forHost(etcd, name, { inv: inventory(spec), overrides: o.overrides ?? {} });
  const mode = o.mode ?? 'apply';
  const ctx = prepareContext(mode);
  for (const x of r.resources) await x.prepare?.(ctx);
  const events: RunEvent[] = [];
  const hr = { vars: r.vars as unknown as Record<string, unknown>, resources: r.resources, handlers: r.handlers, gates: etcd.verify ?? [] };
  const res = await runRole(
    { host: r.host, role: 'etcd', hr, driver: fake, cluster: r.cluster, mode, become: false },
    { emit: (e) => events.push(e), sleep: async () => {} },
  );
  const changed = events.flatMap((e) => (e.kind === 'resource' && (e.status === 'changed' || e.status === 'would-change') ? [e.resource] : []));
  const handlers = events.flatMap((e) => (e.kind === 'handler' ? [e.handler] : []));
  const gates = events.flatMap((e) => (e.kind === 'gate' ? [`${e.gate}: ${e.status}`] : []));
  return { ...res, changed, handlers, gates };
}

const ENV_2 = `# etcd member etcd-2: managed by tsplay (role etcd); edits here are overwritten.
ETCD_NAME=etcd-2
ETCD_DATA_DIR=/var/lib/etcd
ETCD_LISTEN_PEER_URLS=https://10.0.0.22:2380
ETCD_INITIAL_ADVERTISE_PEER_URLS=https://10.0.0.22:2380
ETCD_LISTEN_CLIENT_URLS=https://10.0.0.22:2379,https://127.0.0.1:2379
ETCD_ADVERTISE_CLIENT_URLS=https://10.0.0.22:2379
ETCD_LISTEN_METRICS_URLS=http://127.0.0.1:2381
ETCD_INITIAL_CLUSTER=etcd-1=https://10.0.0.21:2380,etcd-2=https://10.0.0.22:2380,etcd-3=https://10.0.0.23:2380
ETCD_INITIAL_CLUSTER_STATE=new
ETCD_INITIAL_CLUSTER_TOKEN=demo-etcd
ETCD_LOGGER=zap
ETCD_CERT_FILE=/etc/kubernetes/pki/etcd/server.crt
ETCD_KEY_FILE=/etc/kubernetes/pki/etcd/server.key
ETCD_TRUSTED_CA_FILE=/etc/kubernetes/pki/etcd/ca.crt
ETCD_CLIENT_CERT_AUTH=true
ETCD_PEER_CERT_FILE=/etc/kubernetes/pki/etcd/peer.crt
ETCD_PEER_KEY_FILE=/etc/kubernetes/pki/etcd/peer.key
ETCD_PEER_TRUSTED_CA_FILE=/etc/kubernetes/pki/etcd/ca.crt
ETCD_PEER_CLIENT_CERT_AUTH=true
`;

describe('roles/etcd', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  for (const kind of ['debian', 'rhel'] as const) {
    it(`${kind}: converges a member (packages, certificates, env file, unit, service), passes the gate, then changes nothing`, async () => {
      const spec = THREE(t.dir);
      const host = fresh(kind, 'etcd-2');
      const first = await run(host, 'etcd-2', spec);
      assert.equal(first.error, undefined);
      // The restart may be skipped when the service was started by this very apply (nothing old to restart).
      assert.ok(
        first.handlers.every((h) => h === RESTART),
        first.handlers.join(),
      );
      assert.deepEqual(first.gates, ['etcdctl endpoint health --cluster: ok']);
      assert.deepEqual([...host.installed.keys()].sort(), kind === 'debian' ? ['etcd-client', 'etcd-server'] : ['etcd']);
      assert.equal(host.read('/etc/etcd/etcd.env'), ENV_2);
      assert.match(host.read('/etc/systemd/system/etcd.service')!, /Type=notify\nEnvironmentFile=\/etc\/etcd\/etcd.env\nExecStart=\/usr\/bin\/etcd\n/);
      assert.deepEqual(host.service('etcd.service'), { enabled: true, active: true });
      assert.equal(host.fs.get('/var/lib/etcd')?.mode, 0o700);
      assert.equal(host.fs.get('/etc/kubernetes/pki/etcd/server.key')?.mode, 0o600);
      assert.match(host.read('/etc/kubernetes/pki/etcd/peer.crt')!, /^-----BEGIN CERTIFICATE-----/);
      assert.equal(host.read('/etc/kubernetes/pki/apiserver-etcd-client.key'), undefined, 'an etcd member gets only its etcd share');
      const second = await run(host, 'etcd-2', spec);
      assert.deepEqual([second.changed, second.handlers, second.gates], [[], [], []], 'a converged member: no change, no restart, no gate');
    });
  }

  it('check mode on a fresh host changes nothing and issues no certificate', async () => {
    const host = fresh('debian', 'etcd-1');
    const r = await run(host, 'etcd-1', THREE(`${t.dir}/pki`), { mode: 'check' });
    assert.equal(r.error, undefined);
    assert.ok(r.changed.includes('template:/etc/etcd/etcd.env'));
    assert.deepEqual(r.handlers, [RESTART]);
    assert.equal(host.read('/etc/etcd/etcd.env'), undefined);
    assert.equal(host.installed.size, 0);
  });

  it('a settings change rewrites only the env file and restarts the member', async () => {
    const host = fresh('rhel', 'etcd-3');
    await run(host, 'etcd-3', THREE(t.dir));
    const before = host.log.length;
    const r = await run(host, 'etcd-3', THREE(t.dir), { overrides: { etcd_extra_env: { ETCD_QUOTA_BACKEND_BYTES: '8589934592' } } });
    assert.deepEqual([r.changed, r.handlers], [['template:/etc/etcd/etcd.env'], [RESTART]]);
    assert.match(host.read('/etc/etcd/etcd.env')!, /# etcd_extra_env\nETCD_QUOTA_BACKEND_BYTES=8589934592\n$/);
    assert.deepEqual(
      host.log.slice(before).filter((a) => a.a === 'systemctl' && a.verb === 'restart'),
      [{ a: 'systemctl', verb: 'restart', unit: 'etcd.service' }],
    );
  });

  it('fails the run when a member is unhealthy or missing from the cluster, naming it', async () => {
    const sick = JSON.stringify([
      { endpoint: URLS[0], health: true },
      { endpoint: URLS[1], health: false, error: 'context deadline exceeded' },
      { endpoint: URLS[2], health: true },
    ]);
    const r = await run(fresh('debian', 'etcd-1', sick), 'etcd-1', THREE(t.dir));
    assert.match(String(r.error), /gate:etcdctl endpoint health --cluster.*unhealthy: https:\/\/10\.0\.0\.22:2379 \(context deadline exceeded\)/);
    assert.throws(() => judgeHealth(healthy(URLS.slice(0, 2)), URLS), /members differ from the etcd group: missing https:\/\/10\.0\.0\.23:2379/);
    assert.throws(() => judgeHealth(healthy([...URLS, 'https://10.0.0.99:2379']), URLS), /unexpected https:\/\/10\.0\.0\.99:2379/);
    assert.throws(() => judgeHealth('Error: context deadline exceeded', URLS), /etcdctl printed no JSON/);
    assert.doesNotThrow(() => judgeHealth(healthy([...URLS].reverse()), URLS));
  });

  it('gate asks over TLS from loopback with the health-check client certificate', () => {
    const v = forHost(etcd, 'etcd-1', { inv: inventory(THREE(t.dir)) }).vars;
    assert.equal(
      healthCommand(v, '10.0.0.21'),
      'ETCDCTL_API=3 /usr/bin/etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt --key=/etc/kubernetes/pki/etcd/healthcheck-client.key --dial-timeout=3s --command-timeout=5s endpoint health --cluster -w json',
    );
  });

  it('a new health-check client certificate restarts nothing: etcd does not read it', () => {
    const { resources } = forHost(etcd, 'etcd-1', { inv: inventory(THREE(t.dir)) });
    const notify = (path: string) => resources.find((x) => x.id === `file:/etc/kubernetes/pki/etcd/${path}`)!.notify ?? [];
    assert.deepEqual([notify('healthcheck-client.crt'), notify('healthcheck-client.key')], [[], []]);
    assert.deepEqual(notify('server.crt'), [RESTART]);
  });

  it('release install: the artifact (nothing fetched until a run prepares it), binaries from its bin_dir', () => {
    const sha256 = 'a'.repeat(64);
    const r = forHost(etcd, 'etcd-1', {
      inv: inventory(THREE(t.dir)),
      overrides: { etcd_install: 'release', etcd_release: { ...etcd.defaults.etcd_release, sha256 } },
    });
    const ids = r.resources.map((x) => x.id);
    assert.ok(ids.includes('artifact:/usr/local/bin/etcd,/usr/local/bin/etcdctl'));
    assert.ok(!ids.some((id) => id.startsWith('package:')));
    const u = r.resources.find((x) => x.id === 'unit:etcd.service')!;
    assert.ok(u.notify?.includes(RESTART));
    assert.match(healthCommand(r.vars, '10.0.0.21'), /^ETCDCTL_API=3 \/usr\/local\/bin\/etcdctl /);
  });

  describe('bad input is refused before any host is touched, naming the field', () => {
    const refuses = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof ConfigError && re.test(e.message));

    it('an even number of members', () => {
      const spec = THREE(t.dir);
      const four: InventorySpec = {
        ...spec,
        hosts: { ...spec.hosts, 'etcd-4': { address: '10.0.0.24' } },
        groups: { ...spec.groups, etcd: { hosts: ['etcd-1', 'etcd-2', 'etcd-3', 'etcd-4'] } },
      };
      refuses(() => forHost(etcd, 'etcd-1', { inv: inventory(four) }), /vars\.cluster_groups\.etcd: etcd needs an odd number of members/);
    });

    it('a member whose address is not an IP', () => {
      const spec = THREE(t.dir);
      const named: InventorySpec = { ...spec, hosts: { ...spec.hosts, 'etcd-2': { address: 'etcd-2.example.com' } } };
      refuses(() => forHost(etcd, 'etcd-1', { inv: inventory(named) }), /hosts\.etcd-2\.address: .*must be an IP address/);
    });

    it('the role on a host outside the etcd group', () => {
      refuses(() => forHost(etcd, 'worker-1', { inv: inventory(THREE(t.dir)) }), /worker-1 is not in the etcd group/);
    });

    it('bad vars', () => {
      const inv = inventory(THREE(t.dir));
      const bad = (overrides: Record<string, unknown>, re: RegExp) => refuses(() => forHost(etcd, 'etcd-1', { inv, overrides }), re);
      bad({ etcd_peer_port: 2379 }, /var etcd_peer_port: must differ from etcd_client_port/);
      bad({ etcd_client_port: 70000 }, /var etcd_client_port:/);
      bad({ etcd_install: 'release' }, /var etcd_release\.sha256: required with etcd_install 'release'/);
      bad({ etcd_install: 'snap' }, /var etcd_install:/);
      bad({ etcd_data_dir: 'var/lib/etcd' }, /var etcd_data_dir: expected an absolute path/);
      bad({ etcd_extra_env: { QUOTA: '1' } }, /var etcd_extra_env\.QUOTA: expected an ETCD_\* variable name/);
    });
  });
});
