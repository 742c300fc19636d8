/**
 * End to end on lab-16..20 (issue #12, nodes): converge a small cluster with the stand-ins (lab-16 the LB
 * holding VIP 10.231.0.9, lab-17 etcd + control plane, lab-18 a worker), refuse bad input before any host
 * is touched, add the worker lab-19 (--check first: elsewhere only /etc/hosts), remove it (the drain through
 * the stand-in API reported as skipped, the host reset, the others' files without it), add the control-plane
 * host lab-20 and remove it while a client asks /healthz through the VIP every 100 ms (failures counted),
 * then add lab-19 and lab-20 as control-plane hosts that are etcd members too (real etcd 3.4: 1 -> 3
 * members through the etcd member add operation) and remove them (3 -> 1), keys written before read back
 * from every member, /healthz answering throughout; and after each operation a run of site.ts with the
 * matching inventory changes nothing. Each operation's time is printed.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { onHost, requireLab } from '../integration/lab-hosts.js';
import { failures, on, took, tsplayJson, type Outcome } from './cli.js';

const INV = {
  base: 'test/fixtures/inventory/lab-nodes-base.ts',
  worker: 'test/fixtures/inventory/lab-nodes-worker.ts',
  master: 'test/fixtures/inventory/lab-nodes-master.ts',
  all: 'test/fixtures/inventory/lab-nodes.ts',
  stacked: 'test/fixtures/inventory/lab-nodes-stacked.ts',
} as const;
const PKI = '.tsplay/pki/nodes';
const VIP = '10.231.0.9';

const run = async (what: string, pb: string, inv: keyof typeof INV, ...args: string[]) => {
  const o = await tsplayJson(['run', `playbooks/${pb}.ts`, '-i', INV[inv], ...args]);
  took(what, o);
  return o;
};
const ok = (o: Outcome) => assert.equal(o.code, 0, failures(o));
/** The managed block of /etc/hosts (the lab's own lines outside it name every lab host). */
const BLOCK = "sed -n '/^# BEGIN tsplay cluster hosts/,/^# END tsplay cluster hosts/p' /etc/hosts";
const backends = async () => on('lab-16', 'grep -E "^\\s*server " /etc/haproxy/haproxy.cfg');
const touched = (o: Outcome) => o.events.some((e) => e.kind === 'resource' || e.kind === 'play-start');
/** `host resource` of every changed (or would-change) resource. */
const changed = (o: Outcome, hosts?: readonly string[]) =>
  o.events
    .filter((e) => e.kind === 'resource' && (e.status === 'changed' || e.status === 'would-change') && (!hosts || hosts.includes(String(e.host))))
    .map((e) => `${e.host} ${e.resource}`)
    .sort();
const noChange = async (inv: keyof typeof INV) => {
  const again = await run(`site.ts again (${inv})`, 'site', inv);
  ok(again);
  assert.deepEqual(changed(again), [], 'a second run of site.ts changes nothing');
};

/** A client of the API through the VIP: GET /healthz with the admin certificate every 100 ms, failures counted. */
function healthzPoller() {
  const ca = readFileSync(`${PKI}/ca.crt`);
  const cert = readFileSync(`${PKI}/admin.crt`);
  const key = readFileSync(`${PKI}/admin.key`);
  const counts = { ok: 0, fail: 0, errors: [] as string[] };
  let stop = false;
  const once = () =>
    new Promise<void>((resolve) => {
      const req = request({ host: VIP, port: 6443, path: '/healthz', ca, cert, key, timeout: 3000, agent: false }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          if (res.statusCode === 200 && body.trim() === 'ok') counts.ok++;
          else counts.fail++, counts.errors.push(`${new Date().toISOString()} ${res.statusCode} ${body.slice(0, 80)}`);
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => (counts.fail++, counts.errors.push(`${new Date().toISOString()} ${e.message}`), resolve()));
      req.end();
    });
  const loop = (async () => {
    while (!stop) {
      await once();
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return { counts, stop: async () => ((stop = true), await loop, counts) };
}

describe('e2e: add and remove a worker and a control-plane host on lab-16..20', function () {
  this.timeout(1_200_000);

  before(async function () {
    await requireLab(this, 20);
    // lab-19 and lab-20 start outside the cluster, whatever an earlier run left on them.
    const clean = await run('reset lab-19, lab-20', 'reset', 'all', '--limit', 'lab-19:lab-20');
    ok(clean);
    const up = await run('converge lab-16..18', 'site', 'base');
    ok(up);
    await noChange('base');
  });

  it("routes pods with flannel's host-gw backend: checked on every node that the others are on its segment, no VXLAN port open", async () => {
    const o = await run('site.ts --check (host-gw)', 'site', 'base', '--check');
    ok(o);
    const checked = o.events
      .filter((e) => e.kind === 'resource' && e.resource === 'host-gw:same-segment' && e.status === 'ok')
      .map((e) => (e as { host: string }).host)
      .sort();
    assert.deepEqual(checked, ['lab-17', 'lab-18'], 'the route check ran on every node');
    for (const h of ['lab-17', 'lab-18']) {
      assert.deepEqual(JSON.parse(await on(h, 'cat /etc/kube-flannel/net-conf.json')).Backend, { Type: 'host-gw' });
      assert.doesNotMatch(await on(h, 'cat /etc/firewalld/zones/public.xml'), /protocol="udp"/, `${h}: no overlay port`);
      assert.match(await on(h, `ip -o route get 10.231.0.${h === 'lab-17' ? 28 : 27}`), /^10\.231\.0\.2[78] dev \S+ src /, 'the other node is on this segment');
    }
  });

  it('refuses bad input before any host is touched, saying why', async () => {
    const cases: [string, keyof typeof INV, string, RegExp][] = [
      ['node-remove', 'base', 'node_remove=lab-19', /host "lab-19" is not in the inventory: it is not in the cluster/],
      ['node-remove', 'base', 'node_remove=lab-17', /host "lab-17" is not in group "workers"/],
      ['node-add', 'worker', 'node_add=', /this playbook needs the host to add: -e node_add=HOST/],
      ['control-plane-remove', 'base', 'control_plane_remove=lab-17', /host "lab-17" is the last control-plane host/],
      [
        'control-plane-remove',
        'stacked',
        'control_plane_remove=lab-20',
        /lab-20 is an etcd member, so this run removes it as etcd member too: removing lab-20 would leave 2 members/,
      ],
      ['control-plane-remove', 'stacked', 'control_plane_remove=lab-17,lab-19,lab-20', /every control-plane host: the cluster would have no API/],
      ['control-plane-remove', 'master', 'control_plane_remove=lab-18', /host "lab-18" is not in group "masters"/],
    ];
    for (const [pb, inv, e, why] of cases) {
      const o = await tsplayJson(['run', `playbooks/${pb}.ts`, '-i', INV[inv], '-e', e]);
      assert.equal(o.code, 1, `${pb} -e ${e}: ${o.stderr}`);
      assert.match(o.stderr, why);
      assert.ok(!touched(o), `${pb} -e ${e}: no play started`);
    }
  });

  it('adds the worker lab-19: elsewhere only /etc/hosts changes; then removes it', async () => {
    const others = ['lab-16', 'lab-17', 'lab-18'];
    const check = await run('node-add --check', 'node-add', 'worker', '-e', 'node_add=lab-19', '--check');
    ok(check);
    assert.deepEqual(changed(check, others), others.map((h) => `${h} hosts:/etc/hosts`).sort());
    assert.ok(changed(check, ['lab-19']).length > 20, 'the new node gets everything a worker gets');
    const add = await run('node-add', 'node-add', 'worker', '-e', 'node_add=lab-19');
    ok(add);
    assert.deepEqual(changed(add, others), changed(check, others), 'apply changed what check said');
    assert.match(await on('lab-17', BLOCK), /^10\.231\.0\.29\tlab-19$/m);
    assert.equal(await on('lab-19', 'systemctl is-active kubelet kube-proxy flanneld containerd | sort -u'), 'active');
    await noChange('worker');

    const rmCheck = await run('node-remove --check', 'node-remove', 'worker', '-e', 'node_remove=lab-19', '--check');
    ok(rmCheck);
    const drain = rmCheck.events.find((e) => e.kind === 'resource' && e.resource === 'kube-node:lab-19');
    assert.equal(drain?.host, 'lab-17', 'the API calls go out from the control-plane host');
    assert.match(JSON.stringify(drain?.changes), /skipped.*serves no \/api\/v1 objects \(a stand-in/, 'the stand-in API: skipped, with why');
    const rm = await run('node-remove', 'node-remove', 'worker', '-e', 'node_remove=lab-19');
    ok(rm);
    assert.deepEqual(changed(rm, others), [...others.map((h) => `${h} hosts:/etc/hosts`), 'lab-17 kube-node:lab-19'].sort());
    assert.doesNotMatch(await on('lab-17', BLOCK), /lab-19/);
    assert.match((await onHost('lab-19', 'systemctl is-active kubelet; test -e /etc/kubernetes || echo gone')).out, /inactive[\s\S]*gone/);
    await noChange('base');
    // Its kubelet certificate and kubeconfig are gone from the controller too, once a run no longer has it (no revocation in Kubernetes).
    for (const f of ['kubelets/lab-19.crt', 'kubelets/lab-19.key', 'kubeconfigs/kubelet-lab-19.conf']) assert.equal(existsSync(`${PKI}/${f}`), false, f);
    assert.equal(existsSync(`${PKI}/kubelets/lab-18.crt`), true);
  });

  it('adds the control-plane host lab-20 and removes it, /healthz through the VIP answering throughout', async () => {
    const sans = async () => on('lab-17', 'openssl x509 -noout -ext subjectAltName -in /etc/kubernetes/pki/apiserver.crt');
    const check = await run('control-plane-add --check', 'control-plane-add', 'master', '-e', 'control_plane_add=lab-20', '--check');
    ok(check);
    assert.deepEqual(
      changed(check, ['lab-16', 'lab-17', 'lab-18']),
      [
        'lab-16 handler:reload haproxy',
        'lab-16 hosts:/etc/hosts',
        'lab-16 template:/etc/haproxy/haproxy.cfg',
        'lab-17 file:/etc/kubernetes/pki/apiserver.crt',
        'lab-17 file:/etc/kubernetes/pki/apiserver.key',
        'lab-17 hosts:/etc/hosts',
        'lab-18 hosts:/etc/hosts',
      ]
        .filter((x) => !x.includes('handler:'))
        .sort(),
    );

    const poll = healthzPoller();
    const add = await run('control-plane-add', 'control-plane-add', 'master', '-e', 'control_plane_add=lab-20');
    const during = await poll.stop();
    console.log(`      /healthz through the VIP during control-plane-add: ${during.ok} ok, ${during.fail} failed`);
    ok(add);
    assert.match(await sans(), /IP Address:10\.231\.0\.30/);
    assert.match(await backends(), /lab-20 10\.231\.0\.30:6443/);
    assert.equal(await on('lab-20', 'systemctl is-active kube-apiserver kube-controller-manager kube-scheduler kubelet | sort -u'), 'active');
    assert.ok(during.ok > 0);
    assert.equal(during.fail, 0, during.errors.join('\n'));
    await noChange('master');

    const poll2 = healthzPoller();
    const rm = await run('control-plane-remove', 'control-plane-remove', 'master', '-e', 'control_plane_remove=lab-20');
    const during2 = await poll2.stop();
    console.log(`      /healthz through the VIP during control-plane-remove: ${during2.ok} ok, ${during2.fail} failed`);
    ok(rm);
    assert.doesNotMatch(await sans(), /10\.231\.0\.30/);
    assert.doesNotMatch(await backends(), /lab-20/);
    assert.equal((await onHost('lab-20', 'systemctl is-active kube-apiserver')).out.trim(), 'inactive');
    assert.ok(during2.ok > 0);
    assert.equal(during2.fail, 0, during2.errors.join('\n'));
    await noChange('base');
  });

  it('adds lab-19 and lab-20 as control-plane hosts and etcd members (1 -> 3), removes them (3 -> 1): keys kept, /healthz answering', async () => {
    // Each member's own endpoint, with the TLS settings the etcd role writes for operators.
    const ENV = 'set -a; . /etc/etcd/etcdctl.env; set +a; unset ETCDCTL_ENDPOINTS;';
    const ETCDCTL = `${ENV} etcdctl --endpoints=https://127.0.0.1:2379`;
    const members = async () =>
      (await on('lab-17', `${ETCDCTL} member list -w simple`))
        .split('\n')
        .map((l) => l.split(', ')[2])
        .sort();
    const KEYS = 30;
    await on('lab-17', `${ENV} i=0; while [ $i -lt ${KEYS} ]; do etcdctl --endpoints=https://127.0.0.1:2379 put /stacked/k$i v$i >/dev/null; i=$((i+1)); done`);
    const keysOn = async (h: string) => Number(await on(h, `${ETCDCTL} get /stacked/ --prefix --keys-only --consistency=s | grep -c .`));
    assert.deepEqual(await members(), ['lab-17']);

    // One of the two alone: the preflight sees lab-20 in the etcd group but no member, and refuses before anything changes.
    const one = await run('control-plane-add lab-19 alone (refused)', 'control-plane-add', 'stacked', '-e', 'control_plane_add=lab-19');
    assert.equal(one.code, 2, 'a host (the preflight) failed');
    assert.match(failures(one), /lab-20 is in the etcd group but not a member of the cluster: name it in etcd_member too/);
    assert.deepEqual(changed(one), [], 'nothing changed');

    const check = await run('control-plane-add lab-19,lab-20 --check', 'control-plane-add', 'stacked', '-e', 'control_plane_add=lab-19,lab-20', '--check');
    ok(check);
    const said = JSON.stringify(check.events.filter((e) => e.kind === 'resource' && String(e.resource).startsWith('etcd-member-add:')));
    assert.match(said, /lab-19 https:\/\/10\.231\.0\.29:2380, run on lab-17/);
    assert.match(
      said,
      /lab-20 https:\/\/10\.231\.0\.30:2380, run on lab-17 .*initial cluster lab-17=https:\/\/10\.231\.0\.27:2380,lab-19=https:\/\/10\.231\.0\.29:2380,lab-20=/,
    );
    assert.deepEqual(await members(), ['lab-17'], 'check mode adds no member');

    const poll = healthzPoller();
    const add = await run('control-plane-add lab-19,lab-20 (etcd 1 -> 3)', 'control-plane-add', 'stacked', '-e', 'control_plane_add=lab-19,lab-20');
    const during = await poll.stop();
    console.log(`      /healthz through the VIP during control-plane-add of two etcd members: ${during.ok} ok, ${during.fail} failed`);
    ok(add);
    assert.deepEqual(await members(), ['lab-17', 'lab-19', 'lab-20']);
    for (const h of ['lab-17', 'lab-19', 'lab-20']) assert.equal(await keysOn(h), KEYS, `${h}: every key`);
    assert.match(await backends(), /lab-19 10\.231\.0\.29:6443[\s\S]*lab-20 10\.231\.0\.30:6443/);
    for (const h of ['lab-19', 'lab-20']) assert.equal(await on(h, 'systemctl is-active etcd kube-apiserver kubelet | sort -u'), 'active');
    assert.equal(during.fail, 0, during.errors.join('\n'));
    await noChange('stacked');

    const rmCheck = await run(
      'control-plane-remove lab-19,lab-20 --check',
      'control-plane-remove',
      'stacked',
      '-e',
      'control_plane_remove=lab-19,lab-20',
      '--check',
    );
    ok(rmCheck);
    assert.match(JSON.stringify(rmCheck.events), /removed, run on lab-17 \(https:\/\/10\.231\.0\.27:2379\); 1 stay: lab-17/);
    const poll2 = healthzPoller();
    const rm = await run('control-plane-remove lab-19,lab-20 (etcd 3 -> 1)', 'control-plane-remove', 'stacked', '-e', 'control_plane_remove=lab-19,lab-20');
    const during2 = await poll2.stop();
    console.log(`      /healthz through the VIP during control-plane-remove of two etcd members: ${during2.ok} ok, ${during2.fail} failed`);
    ok(rm);
    assert.deepEqual(await members(), ['lab-17']);
    assert.equal(await keysOn('lab-17'), KEYS);
    for (const h of ['lab-19', 'lab-20'])
      assert.match((await onHost(h, 'systemctl is-active etcd; test -e /var/lib/etcd/member || echo wiped')).out, /inactive[\s\S]*wiped/);
    assert.doesNotMatch(await backends(), /lab-19|lab-20/);
    assert.equal(during2.fail, 0, during2.errors.join('\n'));
    await noChange('base');
  });
});
