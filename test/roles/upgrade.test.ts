/** roles/upgrade and playbooks/upgrade.ts: the version plan, the probe, the upgrade gate, the drain decision, the plays. */
import assert from 'node:assert/strict';
import { plan } from '../../lib/runner/pass.js';
import { batches } from '../../lib/runner/serial.js';
import { FakeHost, prepareContext } from '../../lib/testing/index.js';
import type { GateContext } from '../../lib/index.js';
import upgradePb, { upgradePlaybook } from '../../playbooks/upgrade.js';
import kubelet from '../../roles/kubelet/index.js';
import { classify } from '../../roles/upgrade/api-probe.js';
import { drainDecision, drainResource } from '../../roles/upgrade/drain.js';
import { componentProblem, upgradeGate, upgrading, versionProblem } from '../../roles/upgrade/gate.js';
import { upgradeDrain, upgradePlan } from '../../roles/upgrade/index.js';
import { parseProbe, probeCommand } from '../../roles/upgrade/probe.js';
import { parseVersion, refusals, stepOf, type Version } from '../../roles/upgrade/version.js';
import { standinScript } from '../fixtures/standins/pack.js';
import { forHost, hostOf, inventory, SMALL } from './helpers.js';

const v = (s: string): Version => parseVersion(s)!;
const TARGET = { k8s_artifacts: { kubernetes: { version: '1.35.0', url: 'file:///mirror/kubernetes-server-linux-amd64.tar.gz', sha512: 'a'.repeat(128) } } };
const line = (b: string, said: string, c = '100', s = '200', a = 'active') => `${b}\t${said}\t${c}\t${s}\t${a}`;
const node = (b: string, ver: string) => line(b, `Kubernetes v${ver}-tsplay-standin (${b})`);

describe('roles/upgrade: versions (Kubernetes version skew policy)', () => {
  it('reads x.y.z from what --version and /version say', () => {
    assert.deepEqual(parseVersion('Kubernetes v1.34.7-tsplay-standin (kubelet)'), { major: 1, minor: 34, patch: 7 });
    assert.deepEqual(parseVersion('v1.35.0'), { major: 1, minor: 35, patch: 0 });
    assert.equal(parseVersion('kubelet: command not found'), undefined);
  });

  it('a patch or the next minor goes; a skipped minor, a downgrade, a major change or no binary is refused with why', () => {
    assert.deepEqual(stepOf(v('1.35.0'), v('1.35.0')), { kind: 'current' });
    assert.equal(stepOf(v('1.34.6'), v('1.34.7')).kind, 'patch');
    assert.equal(stepOf(v('1.34.7'), v('1.35.0')).kind, 'minor');
    const why = (from: Version | undefined, to: string) => {
      const s = stepOf(from, v(to));
      return s.kind === 'refused' ? s.why : s.kind;
    };
    assert.match(why(v('1.34.7'), '1.36.0'), /^1\.34\.7: 1\.36\.0 skips 1 minor version\(s\); upgrade one minor at a time \(to 1\.35\.x first/);
    assert.match(why(v('1.33.1'), '1.36.2'), /skips 2 minor version\(s\).*to 1\.34\.x first/);
    assert.match(why(v('1.35.1'), '1.35.0'), /newer than 1\.35\.0: a downgrade/);
    assert.match(why(v('1.35.0'), '1.34.7'), /downgrade/);
    assert.match(why(v('0.0.0'), '1.35.0'), /changes the major version/);
    assert.match(why(undefined, '1.35.0'), /not installed.*playbooks\/site\.ts/);
  });

  it('groups the binaries of a host refused for the same reason', () => {
    assert.deepEqual(refusals('m1', { 'kube-apiserver': v('1.33.0'), kubelet: v('1.33.0'), 'kube-proxy': v('1.34.7') }, v('1.35.0')), [
      "kube-apiserver, kubelet on m1 are 1.33.0: 1.35.0 skips 1 minor version(s); upgrade one minor at a time (to 1.34.x first: Kubernetes' version skew policy)",
    ]);
    assert.deepEqual(refusals('w1', { kubelet: v('1.34.7'), 'kube-proxy': v('1.35.0') }, v('1.35.0')), []);
  });
});

describe('roles/upgrade: the probe', () => {
  it("asks each binary its version, its ctime and its unit's start and state; parses the answer", () => {
    const cmd = probeCommand([{ binary: 'kubelet', path: '/opt/bin/kubelet', unit: 'kubelet.service' }]);
    for (const part of [
      "'/opt/bin/kubelet' --version",
      "stat -c %Z '/opt/bin/kubelet'",
      "ExecMainStartTimestamp --value 'kubelet.service'",
      "is-active 'kubelet.service'",
    ])
      assert.ok(cmd.includes(part), cmd);
    const seen = parseProbe(`${line('kubelet', 'Kubernetes v1.35.0', '1700000000', '1700000005')}\n${line('kube-proxy', '', '-', '-', 'inactive')}\n`);
    assert.deepEqual(seen.get('kubelet'), {
      binary: 'kubelet',
      said: 'Kubernetes v1.35.0',
      active: 'active',
      version: v('1.35.0'),
      replacedAt: 1700000000,
      startedAt: 1700000005,
    });
    assert.deepEqual(seen.get('kube-proxy'), { binary: 'kube-proxy', said: '', active: 'inactive' });
  });
});

describe('roles/upgrade-plan on fake hosts', () => {
  for (const kind of ['debian', 'rhel'] as const) {
    const fake = (n: string) => (kind === 'debian' ? FakeHost.debian(n) : FakeHost.rhel(n));
    it(`${kind}: a control-plane host on 1.34.7 may go to 1.35.0, read-only; the worker is asked only about its kubelet and kube-proxy`, async () => {
      const m = fake('master-1').script(/--version/, {
        stdout: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy'].map((b) => node(b, '1.34.7')).join('\n'),
      });
      const p = await plan(m, forHost(upgradePlan, 'master-1', { overrides: TARGET }).resources);
      assert.deepEqual(
        p.planned.map((x) => [x.resource.id, x.changes.length, x.error]),
        [['upgrade-plan:1.35.0', 0, undefined]],
      );
      assert.deepEqual(m.log, []);
      const w = fake('worker-1').script(/--version/, { stdout: [node('kubelet', '1.34.7'), node('kube-proxy', '1.34.7')].join('\n') });
      await plan(w, forHost(upgradePlan, 'worker-1', { overrides: TARGET }).resources);
      const asked = w.commands.find((c) => c.includes('--version'))!;
      assert.ok(asked.includes('/usr/local/bin/kubelet') && asked.includes('/usr/local/bin/kube-proxy') && !asked.includes('kube-apiserver'), asked);
    });

    it(`${kind}: a host a minor behind the others is refused, naming it and its binaries`, async () => {
      const w = fake('worker-1').script(/--version/, { stdout: [node('kubelet', '1.33.4'), node('kube-proxy', '1.33.4')].join('\n') });
      const p = await plan(w, forHost(upgradePlan, 'worker-1', { overrides: TARGET }).resources);
      assert.match(p.planned[0]!.error!, /upgrade to 1\.35\.0 refused: kubelet, kube-proxy on worker-1 are 1\.33\.4: 1\.35\.0 skips 1 minor/);
      assert.deepEqual(w.log, []);
    });
  }

  it('the target comes from the artifact table row; a bad version or bin dir is refused before any host', () => {
    assert.equal(forHost(upgradePlan, 'worker-1').resources[0]!.id, 'upgrade-plan:1.34.7', "the table's own version by default");
    assert.throws(
      () =>
        forHost(upgradePlan, 'worker-1', { overrides: { k8s_artifacts: { kubernetes: { version: 'latest', url: 'file:///x', sha512: 'a'.repeat(128) } } } }),
      /"latest" is not a Kubernetes version x\.y\.z/,
    );
    assert.throws(
      () => forHost(upgradePlan, 'worker-1', { overrides: { kubelet_bin_dir: 'bin; rm -rf /' } }),
      /var kubelet_bin_dir: expected an absolute path/,
    );
  });
});

describe('roles/upgrade: the upgrade gate', () => {
  it('passes only when the unit is active, started after its binary was replaced, and the binary says the target', () => {
    const t = v('1.35.0');
    const seen = (said: string, c: number, s: number, a = 'active') => parseProbe(line('kubelet', said, String(c), String(s), a)).get('kubelet');
    assert.equal(componentProblem('kubelet', seen('Kubernetes v1.35.0', 100, 100), t), undefined);
    assert.match(componentProblem('kubelet', seen('Kubernetes v1.34.7', 100, 200), t)!, /reports "Kubernetes v1\.34\.7", not 1\.35\.0/);
    assert.match(componentProblem('kubelet', seen('Kubernetes v1.35.0', 200, 150), t)!, /started before the binary was replaced/);
    assert.match(componentProblem('kubelet', seen('Kubernetes v1.35.0', 100, 200, 'failed'), t)!, /its unit is failed/);
    assert.match(componentProblem('kubelet', undefined, t)!, /no binary/);
    assert.equal(versionProblem('https://m:6443', 0, '{"gitVersion":"v1.35.0-tsplay-standin"}', t), undefined);
    assert.match(versionProblem('https://m:6443', 0, '{"gitVersion":"v1.34.7"}', t)!, /serves \/version v1\.34\.7, not 1\.35\.0/);
    assert.match(versionProblem('https://m:6443', 1, 'Unable to connect', t)!, /"Unable to connect"/);
  });

  it('wraps a role: its own gates first, then the upgrade gate; the gate asks the host and the local apiserver', async () => {
    const wrapped = upgrading(kubelet, ['kubelet']);
    assert.deepEqual(
      wrapped.verify!.map((g) => g.name),
      [...kubelet.verify!.map((g) => g.name), 'upgraded: kubelet on the target version'],
    );
    assert.deepEqual(wrapped.resources, kubelet.resources);
    const { host, cluster, vars } = forHost(kubelet, 'master-1', { overrides: TARGET });
    const asked: string[] = [];
    const ctx = (out: (c: string) => string): GateContext<object> => ({
      host,
      cluster,
      vars,
      exec: async (c) => {
        asked.push(c);
        return { exitCode: 0, stdout: out(c), stderr: '' };
      },
    });
    const gate = upgradeGate<object>(['kube-apiserver']);
    await gate.check(ctx((c) => (c.includes('get --raw=/version') ? '{"gitVersion":"v1.35.0"}' : node('kube-apiserver', '1.35.0'))));
    assert.match(asked[1]!, /kubectl --kubeconfig=\/etc\/kubernetes\/admin\.conf --server=https:\/\/10\.0\.0\.21:6443 .*get --raw=\/version/);
    await assert.rejects(
      gate.check(ctx((c) => (c.includes('get --raw=/version') ? '{"gitVersion":"v1.34.7"}' : node('kube-apiserver', '1.35.0')))),
      /serves \/version v1\.34\.7, not 1\.35\.0/,
    );
    await assert.rejects(upgradeGate<object>(['kubelet']).check(ctx(() => node('kubelet', '1.34.7'))), /not on 1\.35\.0: kubelet reports/);
  });
});

describe('roles/upgrade-drain', () => {
  it('tells a real API (a Node or a Status) from the stand-in (404 without a Status, /version answers)', () => {
    assert.deepEqual(classify({ status: 200, body: '{"kind":"Node","metadata":{}}' }), { api: 'real', node: 'present' });
    assert.deepEqual(classify({ status: 404, body: '{"kind":"Status","code":404}' }), { api: 'real', node: 'absent' });
    assert.deepEqual(classify({ status: 404, body: 'not found' }, { status: 200, body: '{"gitVersion":"v1.34.7-tsplay-standin"}' }), {
      api: 'standin',
      version: 'v1.34.7-tsplay-standin',
    });
    assert.equal(classify({ status: 403, body: 'forbidden' }).api, 'unknown');
  });

  it('the stand-in: skipped with a warning; a real API: drained (a node it does not know: a warning); no answer: refused with what to do', () => {
    assert.deepEqual(drainDecision('w1', 'https://a:6443', { api: 'standin', version: 'v1.35.0' }), {
      warn: 'w1: cordon and drain skipped: the API at https://a:6443 answers /version (v1.35.0) but serves no /api/v1 objects (a stand-in, not a real apiserver)',
    });
    assert.deepEqual(drainDecision('w1', 'https://a:6443', { api: 'real', node: 'present' }), { drain: true });
    assert.deepEqual(drainDecision('w1', 'https://a:6443', { api: 'real', node: 'absent' }), {
      warn: 'w1: not registered in the API at https://a:6443: nothing to cordon or drain before its upgrade',
    });
    const down = drainDecision('w1', 'https://a:6443', { api: 'unknown', why: 'connect ECONNREFUSED' });
    assert.ok('refuse' in down && /cannot tell whether a real API answers at https:\/\/a:6443 \(connect ECONNREFUSED\)/.test(down.refuse));
  });

  for (const kind of ['debian', 'rhel'] as const)
    it(`${kind}: upgrade_drain false: a warning, no question to any API, nothing on the host`, async () => {
      const r = forHost(upgradeDrain, 'worker-1', { overrides: { upgrade_drain: false } });
      const ctx = prepareContext('check');
      for (const res of r.resources) await res.prepare?.(ctx);
      assert.deepEqual(ctx.notes, ['warning: worker-1: not cordoned or drained before its upgrade (upgrade_drain is false)']);
      const h = kind === 'debian' ? FakeHost.debian('worker-1') : FakeHost.rhel('worker-1');
      const p = await plan(h, r.resources);
      assert.deepEqual(
        p.planned.map((x) => [x.changes.length, x.error]),
        [[0, undefined]],
      );
      assert.deepEqual(h.log, []);
    });

  it('an API that cannot be asked (no admin certificate on the controller) refuses the run in prepare, before any host', async () => {
    const inv = inventory({ ...SMALL, vars: { ...SMALL.vars, api_endpoint: 'https://127.0.0.1:9', pki_dir: '/nonexistent/tsplay-upgrade-test' } });
    const r = forHost(upgradeDrain, 'worker-1', { inv });
    const res = drainResource(r.vars, r.host, r.cluster);
    await assert.rejects(res.prepare!(prepareContext('apply')), /cannot tell whether a real API answers at https:\/\/127\.0\.0\.1:9 \(ENOENT.*ca\.crt/);
  });
});

describe('playbooks/upgrade.ts', () => {
  it('plan everywhere (etcd too), etcd one member at a time, the control plane one host at a time, then worker batches of 20%; every play stops at a failure', () => {
    assert.deepEqual(
      upgradePb.plays.map((p) => [p.name, p.hosts, p.serial, p.anyErrorsFatal]),
      [
        ['upgrade plan', 'k8s', undefined, true],
        ['etcd upgrade plan', 'etcd', undefined, true],
        ['upgrade etcd', 'etcd', 1, true],
        ['upgrade control plane', 'masters', 1, true],
        ['upgrade workers', 'workers:!masters', '20%', true],
      ],
    );
    const named = (n: string) => upgradePb.plays.find((p) => p.name === n)!;
    assert.deepEqual(
      named('upgrade control plane').roles.map((r) => ('role' in r ? r.role : r).name),
      ['apiserver', 'runtime', 'kubelet', 'kube-proxy'],
    );
    const workers = named('upgrade workers');
    assert.deepEqual(
      workers.roles.map((r) => ('role' in r ? r.role : r).name),
      ['runtime', 'kubelet', 'kube-proxy'],
    );
    assert.ok(named('upgrade control plane').beforeBatch?.length, 'control-plane hosts with a kubelet are drained too');
    // Cordon and drain before each batch, uncordon after it, from the first control-plane host.
    const inv = inventory();
    const hook = (h: typeof workers.beforeBatch) =>
      (h ?? []).map((r) => ('role' in r ? `${r.role.name} on ${r.delegateTo?.(hostOf(inv, 'worker-1'), inv.cluster)}` : r.name));
    assert.deepEqual(hook(workers.beforeBatch), ['upgrade-drain on master-1']);
    assert.deepEqual(hook(workers.afterBatch), ['upgrade-uncordon on master-1']);
    const twelve = Array.from({ length: 12 }, (_, i) => `w${i}`);
    assert.deepEqual(
      batches(twelve, workers.serial, 'test').map((b) => b.length),
      [2, 2, 2, 2, 2, 2],
    );
    assert.deepEqual(
      batches(['w1', 'w2'], workers.serial, 'test').map((b) => b.length),
      [1, 1],
      'at least one a batch',
    );
    assert.equal(upgradePlaybook({ workerSerial: 3 }).plays.find((p) => p.name === 'upgrade workers')!.serial, 3);
  });
});

describe('stand-ins: the version option of pack.ts', () => {
  it("sets --version and the apiserver's /version; without it the script is as before", () => {
    const api = standinScript('kube-apiserver', '1.35.0');
    assert.match(api, /print\(f"Kubernetes v1\.35\.0-tsplay-standin \(\{NAME\}\)"\)/);
    assert.match(api, /"major": "1", "minor": "35", "gitVersion": "v1\.35\.0-tsplay-standin"/);
    assert.match(standinScript('kubelet', '1.35.0'), /Kubernetes v1\.35\.0-tsplay-standin/);
    const plain = standinScript('kube-apiserver');
    assert.match(plain, /Kubernetes v0\.0\.0-tsplay-standin/);
    assert.match(plain, /"gitVersion": "v1\.34\.7-tsplay-standin"/);
    assert.equal(standinScript('kube-apiserver', undefined), plain);
    assert.throws(() => standinScript('kubelet', '1.35'), /not MAJOR\.MINOR\.PATCH/);
  });
});
