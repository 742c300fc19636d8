/**
 * The control plane on lab-1..3 through the real CLI, with the Kubernetes server binaries replaced by the
 * test stand-ins (test/fixtures/inventory/lab-standins.ts): from stopped components it converges, every
 * gate passes (apiserver /healthz and /readyz with a client certificate, :10257, :10259, and the API
 * through the VIP), the apiserver refuses a request without a client certificate, a second run changes
 * nothing in one round trip per host, and check mode then has nothing to do. The load balancers are
 * converged first (the VIP is the cluster endpoint); the control-plane units and binaries are reset, etcd
 * and its files are left alone.
 */
import assert from 'node:assert/strict';
import { sum, tsplayJson } from '../e2e/cli.js';
import { onHost, requireLab } from './lab-hosts.js';

const INVENTORY = 'test/fixtures/inventory/lab-standins.ts';
const PLAYBOOK = 'playbooks/control-plane.ts';
const HOSTS = ['lab-1', 'lab-2', 'lab-3'];
const UNITS = 'kube-apiserver kube-controller-manager kube-scheduler';

describe('integration: control plane (stand-in binaries) on lab-1..3 over SSH', function () {
  this.timeout(240000);
  before(async function () {
    await requireLab(this, 3);
    // Back to "not installed": the components stopped, their units and binaries gone (PKI files stay: etcd shares them).
    await Promise.all(
      HOSTS.map(async (h) => {
        const r = await onHost(
          h,
          `systemctl disable --now ${UNITS} 2>/dev/null; rm -f ${UNITS.split(' ')
            .map((u) => `/etc/systemd/system/${u}.service /usr/local/bin/${u}`)
            .join(' ')}; systemctl daemon-reload`,
        );
        assert.equal(r.code, 0, `${h}: reset: ${r.out}`);
      }),
    );
    // The control plane sits behind its VIP: the last gate asks the API there.
    const lb = await tsplayJson(['run', 'playbooks/lb.ts', '-i', INVENTORY]);
    assert.equal(lb.code, 0, `lb: ${lb.stderr}`);
  });

  it('converges with every gate passing, then a no-op in one round trip, then check mode has nothing to do', async () => {
    const first = await tsplayJson(['run', PLAYBOOK, '-i', INVENTORY]);
    assert.equal(first.code, 0, `${first.stderr}\n${JSON.stringify(first.events.filter((e) => e.kind === 'gate' && e.status !== 'ok')).slice(0, 2000)}`);
    assert.deepEqual(Object.keys(first.hosts).sort(), HOSTS);
    for (const h of HOSTS) assert.ok(first.hosts[h]!.changed >= 6, `${h}: binaries, units and services changed`);
    const passed = first.events.filter((e) => e.kind === 'gate' && e.status === 'ok');
    assert.equal(passed.length, 4 * HOSTS.length, 'four gates on each control-plane host');
    console.log(`    first converge: ${first.ms} ms, ${sum(first, 'changed')} changed`);

    const second = await tsplayJson(['run', PLAYBOOK, '-i', INVENTORY]);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual([sum(second, 'changed'), sum(second, 'failed'), sum(second, 'roundTrips')], [0, 0, HOSTS.length]);
    console.log(`    no-op re-run: ${second.ms} ms, ${sum(second, 'roundTrips')} round trips`);

    const check = await tsplayJson(['run', PLAYBOOK, '-i', INVENTORY, '--check']);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(sum(check, 'changed'), 0);
  });

  it('the running stand-ins: the apiserver wants a client certificate signed by the CA; the others answer /healthz', async () => {
    const r = await onHost(
      'lab-1',
      [
        'curl -s --max-time 3 --cacert /etc/kubernetes/pki/ca.crt https://10.231.0.11:6443/healthz; echo',
        'curl -s --max-time 3 --cacert /etc/kubernetes/pki/ca.crt --cert /etc/kubernetes/pki/apiserver-kubelet-client.crt --key /etc/kubernetes/pki/apiserver-kubelet-client.key https://10.231.0.11:6443/livez; echo',
        'curl -s --max-time 3 -k https://127.0.0.1:10257/healthz; echo',
        'curl -s --max-time 3 -k https://127.0.0.1:10259/healthz; echo',
        `systemctl is-active ${UNITS} | tr '\\n' ' '`,
      ].join('; '),
    );
    const [anon, livez, cm, sched, active] = r.out.trim().split('\n');
    assert.match(anon!, /"code": 401/);
    assert.deepEqual([livez, cm, sched, active!.trim()], ['ok', 'ok', 'ok', 'active active active']);
  });

  it('the apiserver stand-in stops as the real one does on SIGTERM: /readyz fails through --shutdown-delay-duration, a request in flight is answered, the exit is clean', async () => {
    // A second apiserver stand-in beside the unit's (its own argv, another port, a 1 s shutdown delay), as a transient unit.
    const pki = '/etc/kubernetes/pki';
    const tls = `--cacert ${pki}/ca.crt --cert ${pki}/apiserver-kubelet-client.crt --key ${pki}/apiserver-kubelet-client.key`;
    const url = 'https://10.231.0.11:16444';
    const r = await onHost(
      'lab-1',
      [
        'set -u; systemctl stop drain-test 2>/dev/null; systemctl reset-failed drain-test 2>/dev/null',
        'mapfile -t argv < <(tr "\\0" "\\n" < /proc/$(systemctl show -p MainPID --value kube-apiserver)/cmdline)',
        'systemd-run -q --unit=drain-test --remain-after-exit -p Type=notify -- "${argv[@]}" --secure-port=16444 --shutdown-delay-duration=1s',
        `code() { curl -s -o /dev/null -w '%{http_code}' --max-time 3 ${tls} ${url}/$1; }`,
        'echo "before $(code readyz) $(code healthz)"',
        // The request's first line now, its end 1.5 s later: in flight across SIGTERM and the listener's close.
        `( printf 'GET /healthz HTTP/1.0\\r\\n'; sleep 1.5; printf '\\r\\n'; sleep 1 ) | openssl s_client -quiet -connect 10.231.0.11:16444 -CAfile ${pki}/ca.crt -cert ${pki}/apiserver-kubelet-client.crt -key ${pki}/apiserver-kubelet-client.key 2>/dev/null | head -1 > /tmp/in-flight & sleep 0.3`,
        'systemctl kill -s TERM drain-test; sleep 0.2',
        'echo "during $(code readyz) $(code healthz)"',
        'wait; sleep 0.5',
        'echo "in-flight $(tr -d "\\r" < /tmp/in-flight)"',
        'echo "after $(code readyz) $(systemctl show -p ExecMainStatus --value drain-test) $(systemctl show -p Result --value drain-test)"',
        'systemctl stop drain-test',
      ].join('\n'),
    );
    const lines = r.out.trim().split('\n');
    assert.deepEqual(lines, ['before 200 200', 'during 500 200', 'in-flight HTTP/1.0 200 OK', 'after 000 0 success'], r.out);
  });

  it('a stand-in refuses a flag naming a missing file, saying which', async () => {
    const r = await onHost('lab-1', '/usr/local/bin/kube-scheduler --kubeconfig=/etc/kubernetes/nope.conf');
    assert.notEqual(r.code, 0);
    assert.match(r.out, /kube-scheduler \(tsplay stand-in\): error: --kubeconfig: \/etc\/kubernetes\/nope\.conf: no such file/);
  });
});
