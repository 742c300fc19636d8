/**
 * End to end, with the lab's real etcd 3.4 on lab-13..15 (issue #12, certificates): converge a 3-member
 * etcd, write keys, warn about expiring certificates (recap and JSON stream), refuse bad input before any
 * host is touched, renew leaves (--check first), rotate the etcd CA (bundle, reissue, drop) while a client
 * on lab-15 keeps reading through all three members (a loop of `etcdctl get`, failures counted: must be 0),
 * then read every key back, check the members' certificates chain to the new CA only, and a second
 * etcd.ts run changes nothing. Prints each step's time and the reader's counts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { onHost, requireLab } from '../integration/lab-hosts.js';
import { failures, took, on, sum, tsplayJson, type Outcome } from './cli.js';

const INVENTORY = 'test/fixtures/inventory/lab-certs.ts';
const MEMBERS = ['lab-13', 'lab-14', 'lab-15'];
const READER = 'lab-15';
const ENDPOINTS = ['10.231.0.23', '10.231.0.24', '10.231.0.25'].map((a) => `https://${a}:2379`).join(',');
const PKI = '/etc/kubernetes/pki/etcd';
const KEYS = 20;
const PREFIX = `/tsplay-certs-e2e/${Date.now()}/`;
const ETCDCTL =
  'set -a; . /etc/etcd/etcdctl.env; set +a; ETCDCTL_CERT=/etc/kubernetes/pki/etcd/healthcheck-client.crt ETCDCTL_KEY=/etc/kubernetes/pki/etcd/healthcheck-client.key etcdctl';

const run = (...args: string[]) => tsplayJson(['run', ...args, '-i', INVENTORY]);
/** Every member restarted, one at a time: each restart is followed by that member's health gate passing before the next restart. */
const oneAtATime = (o: Outcome) => {
  const seq = o.events
    .filter((e) => (e.kind === 'handler' && e.status === 'changed') || (e.kind === 'gate' && e.status === 'ok'))
    .map((e) => `${e.kind} ${e.host}`);
  const hosts = seq.filter((x) => x.startsWith('handler')).map((x) => x.slice(8));
  assert.deepEqual(
    seq,
    hosts.flatMap((h) => [`handler ${h}`, `gate ${h}`]),
    seq.join(', '),
  );
  assert.deepEqual([...hosts].sort(), MEMBERS);
};
const touchedHosts = (o: Outcome) => o.events.some((e) => e.kind === 'resource' || e.kind === 'play-start');

/**
 * The reader: a client of its own that re-reads its credentials before each get (taking the pair only
 * when certificate and key match, as a client reloading its files would), trusts the host's etcd CA file,
 * and asks all three members (etcdctl's balancer moves to another endpoint when one restarts). A get that
 * fails is asked once more after 0.5 s, as a client would: etcd 3.4 answers a request that lands on a member in
 * the instant its listener is back but its gRPC server is not ("HTTP status code 200; transport: missing
 * content-type field", an Unknown code etcdctl does not retry). Such reads are counted apart and printed;
 * a read that fails twice is a failure.
 */
const READER_SCRIPT = `
mkdir -p /tmp/certs-reader; cd /tmp/certs-reader; rm -f stop failures.log; ok=0; fail=0; retried=0
get() { v=$(ETCDCTL_API=3 etcdctl --endpoints=${ENDPOINTS} --cacert=${PKI}/ca.crt --cert=c.crt --key=c.key --dial-timeout=3s --command-timeout=5s get ${PREFIX}k0 --print-value-only 2>>err.log) && [ "$v" = v0 ]; }
while [ ! -e stop ]; do
  c=$(openssl x509 -noout -pubkey -in ${PKI}/healthcheck-client.crt 2>/dev/null); k=$(openssl pkey -pubout -in ${PKI}/healthcheck-client.key 2>/dev/null)
  if [ -n "$c" ] && [ "$c" = "$k" ]; then cp ${PKI}/healthcheck-client.crt c.crt.new && cp ${PKI}/healthcheck-client.key c.key.new && mv c.crt.new c.crt && mv c.key.new c.key; fi
  if get; then ok=$((ok+1)); elif sleep 0.5 && get; then ok=$((ok+1)); retried=$((retried+1)); date +%T.%N >> retried.log; else fail=$((fail+1)); date +%T.%N >> failures.log; fi
  echo "$ok $fail $retried" > count.tmp && mv count.tmp count
  sleep 0.1
done
echo done > stopped`;

const readerCount = async (): Promise<{ ok: number; fail: number; retried: number }> => {
  const [ok = 0, fail = 0, retried = 0] = (await on(READER, 'cat /tmp/certs-reader/count 2>/dev/null || echo 0 0 0')).split(/\s+/).map(Number);
  return { ok, fail, retried };
};

describe('e2e: certificates on lab-13..15 (renew, etcd CA rotation with a reader running)', function () {
  this.timeout(900_000);
  let caBefore: string;

  before(async function () {
    await requireLab(this, 15);
    const up = await run('playbooks/etcd.ts');
    took('converge etcd', up);
    assert.equal(up.code, 0, failures(up));
    await on(MEMBERS[0]!, `${ETCDCTL.replace(/etcdctl$/, '')} i=0; while [ $i -lt ${KEYS} ]; do etcdctl put ${PREFIX}k$i v$i >/dev/null; i=$((i+1)); done`);
    caBefore = await on(MEMBERS[0]!, `openssl x509 -noout -fingerprint -sha256 -in ${PKI}/ca.crt`);
  });
  after(async () => {
    await onHost(READER, 'touch /tmp/certs-reader/stop');
  });

  it('warns about certificates near their end, in the JSON stream (and the recap), without an extra round trip', async () => {
    const plain = await run('playbooks/etcd.ts');
    const warned = await tsplayJson(['run', 'playbooks/etcd.ts', '-i', 'test/fixtures/inventory/lab-certs-warn.ts']);
    took('etcd.ts with a 400-day warning window', warned);
    assert.equal(warned.code, 0, failures(warned));
    const w = warned.events.filter((e) => e.kind === 'controller' && e.step === 'warning');
    assert.equal(w.length, 1, JSON.stringify(warned.events.filter((e) => e.kind === 'controller')));
    const text = String(w[0]!.text);
    for (const m of MEMBERS) for (const kind of ['etcd-server', 'etcd-peer']) assert.match(text, new RegExp(`${kind}:${m}\\s+3\\d\\d days`), text);
    assert.doesNotMatch(text, /etcd-ca /, 'the CA (10 years) is outside a 400-day window');
    assert.equal(plain.events.filter((e) => e.kind === 'controller' && e.step === 'warning').length, 0, 'the default 30 days: no warning on a fresh PKI');
    assert.equal(sum(warned, 'roundTrips'), sum(plain, 'roundTrips'));
    assert.equal(sum(warned, 'changed'), 0);
    // The console: the warning again under the recap, where an operator looks.
    const console_ = execFileSync(process.execPath, ['lib/cli/bin.js', 'run', 'playbooks/etcd.ts', '-i', 'test/fixtures/inventory/lab-certs-warn.ts'], {
      encoding: 'utf8',
    });
    assert.match(console_.slice(console_.lastIndexOf('RECAP')), /WARNINGS\n {2}\d+ certificates of \S+ expire within 400 days:\n(.|\n)*etcd-server:lab-13/);
  });

  it('refuses an unknown certificate and a rotation step out of order before any host is touched', async () => {
    const unknown = await run('playbooks/certs-renew.ts', '--tags', 'etcd', '-e', 'certs_renew=etcd-servr');
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /unknown certificate "etcd-servr"\. Did you mean "etcd-server"/);
    assert.ok(!touchedHosts(unknown), 'no play started');
    const ca = await run('playbooks/certs-renew.ts', '--tags', 'etcd', '-e', 'certs_renew=etcd-ca');
    assert.match(ca.stderr, /"etcd-ca" is a CA/);
    const order = await run('playbooks/certs-etcd-ca.ts', '--tags', 'etcd', '-e', 'certs_etcd_ca_step=reissue');
    assert.notEqual(order.code, 0);
    assert.match(order.stderr, /step "reissue" is out of order: the etcd CA rotation is (not started|at "dropped"), the next step is bundle/);
    assert.ok(!touchedHosts(order), 'no play started');
  });

  it('renews with the reader running: --check names the files per host, the run restarts one member at a time', async () => {
    await on(
      READER,
      `cat > /tmp/certs-reader.sh <<'EOS'${READER_SCRIPT}\nEOS\nsetsid nohup sh /tmp/certs-reader.sh >/dev/null 2>&1 < /dev/null & sleep 2; cat /tmp/certs-reader/count`,
    );
    const check = await run('playbooks/certs-renew.ts', '--tags', 'etcd', '-e', 'certs_renew=etcd-server,etcd-peer:lab-14', '--check');
    took('certs-renew --check', check);
    assert.equal(check.code, 0, failures(check));
    const would = check.events
      .filter((e) => e.kind === 'resource' && e.status === 'would-change')
      .map((e) => `${e.host} ${e.resource}`)
      .sort();
    assert.deepEqual(
      would,
      [
        ...MEMBERS.flatMap((m) => [`${m} file:${PKI}/server.crt`, `${m} file:${PKI}/server.key`]),
        `lab-14 file:${PKI}/peer.crt`,
        `lab-14 file:${PKI}/peer.key`,
      ].sort(),
    );
    const renew = await run('playbooks/certs-renew.ts', '--tags', 'etcd', '-e', 'certs_renew=etcd-server,etcd-peer:lab-14');
    took('certs-renew', renew);
    assert.equal(renew.code, 0, failures(renew));
    oneAtATime(renew);
    const again = await run('playbooks/etcd.ts');
    assert.equal(sum(again, 'changed'), 0, 'the renewed files are what a plain run wants');
    const r = await readerCount();
    console.log(`      reader after renewal: ${r.ok} reads (${r.retried} answered on the retry), ${r.fail} failures`);
    assert.ok(r.ok > 0);
    assert.equal(r.fail, 0, await on(READER, 'cat /tmp/certs-reader/failures.log /tmp/certs-reader/err.log 2>/dev/null | tail -20'));
  });

  it('rotates the etcd CA (bundle, reissue, drop) with no failed read, then trusts the new CA only', async () => {
    for (const step of ['bundle', 'reissue', 'drop']) {
      const check = await run('playbooks/certs-etcd-ca.ts', '--tags', 'etcd', '-e', `certs_etcd_ca_step=${step}`, '--check');
      took(`certs-etcd-ca ${step} --check`, check);
      assert.equal(check.code, 0, failures(check));
      assert.ok(sum(check, 'changed') > 0, `${step} --check says what changes`);
      const o = await run('playbooks/certs-etcd-ca.ts', '--tags', 'etcd', '-e', `certs_etcd_ca_step=${step}`);
      took(`certs-etcd-ca ${step}`, o);
      assert.equal(o.code, 0, failures(o));
      oneAtATime(o);
      const r = await readerCount();
      console.log(`      reader after ${step}: ${r.ok} reads (${r.retried} answered on the retry), ${r.fail} failures`);
      assert.equal(r.fail, 0, await on(READER, 'cat /tmp/certs-reader/failures.log /tmp/certs-reader/err.log 2>/dev/null | tail -20'));
    }
    await on(READER, 'touch /tmp/certs-reader/stop; sleep 1');
    const caAfter = await on(MEMBERS[0]!, `openssl x509 -noout -fingerprint -sha256 -in ${PKI}/ca.crt; grep -c BEGIN ${PKI}/ca.crt`);
    assert.notEqual(caAfter.split('\n')[0], caBefore, 'a new CA');
    assert.equal(caAfter.split('\n')[1], '1', 'one CA in the trust file: the old one is dropped');
    for (const m of MEMBERS) await on(m, `openssl verify -CAfile ${PKI}/ca.crt ${PKI}/server.crt ${PKI}/peer.crt ${PKI}/healthcheck-client.crt`);
    const values = await on(MEMBERS[2]!, `${ETCDCTL} get --prefix ${PREFIX} --print-value-only | grep -c .`);
    assert.equal(Number(values), KEYS);
  });

  it('a second run changes nothing', async () => {
    const o = await run('playbooks/etcd.ts');
    took('etcd.ts again', o);
    assert.equal(o.code, 0, failures(o));
    assert.equal(sum(o, 'changed'), 0);
    const again = await run('playbooks/certs-etcd-ca.ts', '--tags', 'etcd', '-e', 'certs_etcd_ca_step=drop');
    assert.equal(sum(again, 'changed'), 0, 'repeating the last step pushes what is already there');
  });
});
