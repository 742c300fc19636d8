/**
 * The etcd role on the lab (lab-1..3, inventory/lab-cluster.ts) through the real CLI: it converges with
 * its gate passing, a second run changes nothing, check mode finds nothing to do, and etcdctl over TLS
 * reports 3/3 members healthy - while plaintext and certificate-less clients are refused.
 * Leaves the cluster running (other roles build on it); never wipes its data. Needs lab-1..3 up.
 */
import assert from 'node:assert/strict';
import type { Connection } from '../../lib/core/connection.js';
import type { HostState } from '../../lib/lab/state.js';
import { connectSsh } from '../../lib/transport/ssh.js';
import { sum, tsplayJson } from '../e2e/cli.js';
import { asHost, paths, requireLab } from './lab-hosts.js';

const RUN = ['run', 'playbooks/etcd.ts', '-i', 'inventory/lab-cluster.ts'];
const MEMBERS = ['lab-1', 'lab-2', 'lab-3'];
const PKI = '/etc/kubernetes/pki/etcd';
const TLS = `--cacert=${PKI}/ca.crt --cert=${PKI}/server.crt --key=${PKI}/server.key`;

describe('etcd role on the lab: 3 members over TLS', function () {
  this.timeout(180_000);
  let hosts: HostState[];
  let ssh: Connection;

  before(async function () {
    const state = await requireLab(this, 5);
    hosts = state.hosts.filter((h) => MEMBERS.includes(h.name));
    ssh = await connectSsh(asHost(hosts[0]!), { knownHosts: paths.knownHosts, connectTimeoutMs: 5000 });
  });
  after(async () => ssh?.close());

  it('converges with the health gate passing on every member, then a re-run and --check change nothing', async () => {
    const first = await tsplayJson(RUN);
    assert.equal(first.code, 0, first.stderr + JSON.stringify(first.events.filter((e) => e.status === 'failed' || e.kind === 'gate')));
    console.log(`    converge: ${first.ms} ms wall, ${sum(first, 'changed')} changed`);
    const again = await tsplayJson(RUN);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual([sum(again, 'changed'), sum(again, 'roundTrips')], [0, 3], 'no-op: nothing changed, one round trip per member');
    console.log(`    no-op: ${again.ms} ms wall`);
    const check = await tsplayJson([...RUN, '--check']);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(sum(check, 'changed'), 0);
    assert.deepEqual(
      check.events.filter((e) => e.kind === 'handler'),
      [],
    );
  });

  it('etcdctl endpoint health --cluster over TLS: 3/3 healthy, one leader', async () => {
    const health = await ssh.exec(`ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 ${TLS} endpoint health --cluster -w json`);
    assert.equal(health.exitCode, 0, health.stderr);
    const list = JSON.parse(health.stdout) as { endpoint: string; health: boolean }[];
    assert.deepEqual(list.map((e) => [e.endpoint, e.health]).sort(), hosts.map((h) => [`https://${h.address}:2379`, true]).sort());
    const status = await ssh.exec(
      `ETCDCTL_API=3 etcdctl --endpoints=${hosts.map((h) => `https://${h.address}:2379`).join(',')} ${TLS} endpoint status -w json`,
    );
    assert.equal(status.exitCode, 0, status.stderr);
    const rows = JSON.parse(status.stdout) as { Status: { header: { member_id: number }; leader: number } }[];
    assert.equal(new Set(rows.map((r) => String(r.Status.leader))).size, 1, 'every member sees the same leader');
    const put = await ssh.exec(
      `ETCDCTL_API=3 etcdctl --endpoints=https://${hosts[2]!.address}:2379 ${TLS} put /tsplay-it/etcd ok && ETCDCTL_API=3 etcdctl --endpoints=https://${hosts[1]!.address}:2379 ${TLS} get --print-value-only /tsplay-it/etcd`,
    );
    assert.equal(put.stdout.trim(), 'OK\nok', put.stderr);
  });

  it('refuses plaintext clients and TLS clients without a certificate signed by the etcd CA', async () => {
    const addr = hosts[1]!.address;
    const plain = await ssh.exec(`curl -sS --max-time 3 http://${addr}:2379/health`);
    assert.notEqual(plain.exitCode, 0, 'plaintext HTTP on the client port');
    const noCert = await ssh.exec(`curl -sS --max-time 3 --cacert ${PKI}/ca.crt https://${addr}:2379/health`);
    assert.notEqual(noCert.exitCode, 0, `TLS without a client certificate: ${noCert.stdout}`);
    const withCert = await ssh.exec(
      `curl -sS --max-time 3 --cacert ${PKI}/ca.crt --cert ${PKI}/server.crt --key ${PKI}/server.key https://${addr}:2379/health`,
    );
    assert.match(withCert.stdout, /"health":"true"/, withCert.stderr);
    const peerPlain = await ssh.exec(`curl -sS --max-time 3 http://${addr}:2380/members`);
    assert.notEqual(peerPlain.exitCode, 0, 'plaintext on the peer port');
  });
});
