/**
 * End to end: playbooks/site.ts converges the 7-host lab into an HA cluster (inventory/lab-cluster.ts,
 * the Kubernetes server binaries and flanneld replaced by the test stand-ins), then proves what issue 5
 * asks: etcd 3/3 healthy over TLS, the VIP serving /healthz verified against our CA, the VIP moving when
 * the active LB stops while /healthz keeps answering, firewalld enforcing the port matrix, a second run
 * changing nothing and --check having nothing to do. Prints the converge and no-op times.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect as tcp } from 'node:net';
import { join } from 'node:path';
import type { Connection } from '../../lib/core/connection.js';
import { connectSsh } from '../../lib/transport/ssh.js';
import { asHost, paths, requireLab } from '../integration/lab-hosts.js';
import { sum, tsplayJson, type Outcome } from './cli.js';

const INVENTORY = 'test/fixtures/inventory/lab-standins.ts';
const SITE = ['run', 'playbooks/site.ts', '-i', INVENTORY];
const VIP = '10.231.0.10';
const PKI = '.tsplay/pki/lab';

/** GET https://VIP:6443/healthz with our CA and the admin client certificate. */
function healthz(): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: VIP,
        port: 6443,
        path: '/healthz',
        timeout: 3000,
        ca: readFileSync(join(PKI, 'ca.crt')),
        cert: readFileSync(join(PKI, 'admin.crt')),
        key: readFileSync(join(PKI, 'admin.key')),
        servername: 'kubernetes',
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req
      .on('timeout', () => req.destroy(new Error('timed out')))
      .on('error', reject)
      .end();
  });
}

/** How a TCP connect from the controller ends: 'open', or the error code (ECONNREFUSED, EHOSTUNREACH, timeout). */
function probe(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = tcp({ host, port, timeout: 2000 });
    s.on('connect', () => (s.destroy(), resolve('open')));
    s.on('timeout', () => (s.destroy(), resolve('timeout')));
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

const failures = (o: Outcome) =>
  JSON.stringify(
    o.events.filter((e) => e.status === 'failed' || e.kind === 'host-failed' || e.kind === 'unreachable'),
    null,
    1,
  ).slice(0, 4000);

describe('e2e: the HA cluster on the 7-host lab (site.ts)', function () {
  this.timeout(600_000);
  const conns = new Map<string, Connection>();
  const on = (name: string) => conns.get(name)!;

  before(async function () {
    const state = await requireLab(this, 7);
    for (const h of state.hosts.slice(0, 7)) conns.set(h.name, await connectSsh(asHost(h), { knownHosts: paths.knownHosts, connectTimeoutMs: 5000 }));
    const reset = await tsplayJson(['run', 'playbooks/reset.ts', '-i', INVENTORY]);
    assert.equal(reset.code, 0, `reset failed: ${reset.stderr}\n${failures(reset)}`);
  });
  after(async () => {
    await on('lab-4')
      ?.exec('systemctl start keepalived haproxy')
      .catch(() => undefined);
    await Promise.all([...conns.values()].map((c) => c.close()));
  });

  it('converges, then a second run changes nothing and --check has nothing to do', async () => {
    const first = await tsplayJson(SITE);
    assert.equal(first.code, 0, `${first.stderr}\n${failures(first)}`);
    assert.equal(sum(first, 'skipped'), 0, 'nothing skipped: a role that cannot do its job fails, it does not pass in silence');
    const again = await tsplayJson(SITE);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(sum(again, 'changed'), 0, 'a second run changes nothing');
    assert.equal(sum(again, 'roundTrips'), 7, 'one round trip per host for all twelve roles: the first query reads ahead');
    const check = await tsplayJson([...SITE, '--check']);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(sum(check, 'changed'), 0, '--check on a converged cluster reports nothing to do');
    console.log(
      `      site.ts on 7 hosts: first converge ${(first.ms / 1000).toFixed(1)} s (${sum(first, 'changed')} changes), no-op ${(again.ms / 1000).toFixed(1)} s (${sum(again, 'roundTrips')} round trips), check ${(check.ms / 1000).toFixed(1)} s — wall, start-up included`,
    );
  });

  it('etcd: 3/3 members healthy over TLS', async () => {
    const r = await on('lab-1').exec(
      'ETCDCTL_API=3 etcdctl --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key --endpoints=https://10.231.0.11:2379 endpoint health --cluster -w json',
    );
    assert.equal(r.exitCode, 0, r.stderr);
    const health = JSON.parse(r.stdout) as { endpoint: string; health: boolean }[];
    assert.deepEqual(
      health.map((h) => h.health),
      [true, true, true],
      r.stdout,
    );
  });

  it('kubectl (from the release table) answers on every master, through the VIP', async () => {
    for (const name of ['lab-1', 'lab-2', 'lab-3']) {
      const r = await on(name).exec('/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf --request-timeout=5s version -o json');
      assert.equal(r.exitCode, 0, `${name}: ${r.stderr}`);
      assert.ok((JSON.parse(r.stdout) as { serverVersion?: unknown }).serverVersion, `${name}: ${r.stdout}`);
    }
  });

  it('CNI: every node has the real plugins where containerd reads them, and the kubelet is healthy with them', async () => {
    for (const name of ['lab-1', 'lab-2', 'lab-3', 'lab-6', 'lab-7']) {
      const c = on(name);
      const dump = await c.exec('containerd config dump');
      assert.match(dump.stdout, /bin_dir = "\/opt\/cni\/bin"/, `${name}: containerd reads /opt/cni/bin`);
      const missing = await c.exec('for p in flannel bridge host-local portmap loopback; do [ -x /opt/cni/bin/$p ] || echo $p; done');
      assert.equal(missing.stdout.trim(), '', `${name}: plugins missing from /opt/cni/bin`);
      // The standard plugins are Debian's real binaries (packed like the release): they answer the CNI VERSION call.
      const version = await c.exec('CNI_COMMAND=VERSION /opt/cni/bin/bridge </dev/null');
      assert.ok(
        (JSON.parse(version.stdout) as { supportedVersions?: string[] }).supportedVersions?.includes('1.0.0'),
        `${name}: ${version.stdout}${version.stderr}`,
      );
      assert.equal((await c.exec('curl -fsS http://127.0.0.1:10248/healthz')).stdout, 'ok', `${name}: kubelet /healthz`);
    }
  });

  it('a missing CNI plugin fails the flannel gate, naming it and the dir; the next run puts it back', async () => {
    await on('lab-7').exec('rm -f /opt/cni/bin/portmap');
    const broken = await tsplayJson([...SITE, '--tags', 'flannel', '--verify', '--limit', 'lab-7']);
    assert.equal(broken.code & 2, 2, `exit ${broken.code}: ${broken.stderr}`);
    assert.match(JSON.stringify(broken.events.filter((e) => e.kind === 'gate' && e.status === 'failed')), /portmap.*\/opt\/cni\/bin/);
    const fixed = await tsplayJson([...SITE, '--limit', 'lab-7']);
    assert.equal(fixed.code, 0, `${fixed.stderr}\n${failures(fixed)}`);
    assert.equal((await on('lab-7').exec('test -x /opt/cni/bin/portmap')).exitCode, 0, 'portmap is back');
  });

  it('the VIP serves /healthz over TLS verified against our CA, with a client certificate', async () => {
    const r = await healthz();
    assert.deepEqual(r, { status: 200, body: 'ok' });
  });

  it('stopping the active LB moves the VIP and /healthz keeps answering', async () => {
    const holds = async (n: string) => (await on(n).exec(`ip -o addr show dev host0 | grep -q ' ${VIP}/'`)).exitCode === 0;
    assert.equal(await holds('lab-4'), true, 'lab-4 (priority 150) holds the VIP');
    const started = Date.now();
    await on('lab-4').exec('systemctl stop keepalived haproxy');
    while (!(await holds('lab-5'))) {
      assert.ok(Date.now() - started < 15_000, 'the VIP moved to lab-5 within 15 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const moved = Date.now() - started;
    assert.deepEqual(await healthz(), { status: 200, body: 'ok' });
    console.log(`      VIP on lab-5 ${moved} ms after stopping the active LB began; /healthz still answers`);
    await on('lab-4').exec('systemctl start haproxy keepalived');
  });

  it('firewalld runs everywhere and refuses what the matrix does not open', async () => {
    for (const [name, c] of conns) assert.equal((await c.exec('systemctl is-active firewalld')).stdout.trim(), 'active', name);
    // A worker opens neither etcd nor the API; a master opens both.
    assert.notEqual(await probe('10.231.0.16', 2379), 'open', 'etcd port on a worker');
    assert.notEqual(await probe('10.231.0.16', 6443), 'open', 'API port on a worker');
    assert.equal(await probe('10.231.0.11', 2379), 'open', 'etcd port on a master');
    assert.equal(await probe('10.231.0.16', 10256), 'open', 'kube-proxy health port on a worker');
    // Something that listens but is not in the matrix: refused from outside, answered on the host itself.
    await on('lab-6').exec('(python3 -m http.server 18080 --bind 0.0.0.0 >/dev/null 2>&1 </dev/null &) ; sleep 0.5');
    try {
      assert.equal((await on('lab-6').exec('timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/18080"')).exitCode, 0, 'listening on lab-6');
      assert.notEqual(await probe('10.231.0.16', 18080), 'open', 'a port outside the matrix is refused');
    } finally {
      await on('lab-6').exec('pkill -f "http.server 18080" || true');
    }
  });
});
