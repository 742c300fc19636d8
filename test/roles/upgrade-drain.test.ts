/**
 * The rolling upgrade's worker batch hooks on fake hosts (Debian and RHEL facts): upgrade-drain before
 * each batch, upgrade-uncordon after it, delegated to the first control-plane host, which answers
 * node-drain's probe and the kubectl commands from a small in-memory API (FakeApi). The worker play is
 * the playbook's own (hosts, serial, hooks, anyErrorsFatal) with a stub upgrade role in place of
 * kubelet and kube-proxy, whose gate can be made to fail. No real apiserver runs here: this is where
 * the real-API path is proven.
 */
import assert from 'node:assert/strict';
import { Chalk } from 'chalk';
import { describe, it } from 'mocha';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import { definePlaybook } from '../../lib/dsl/playbook.js';
import { defineRole } from '../../lib/dsl/role.js';
import { eventLines } from '../../lib/report/lines.js';
import { type PlanHook, type RolePlan, recordRole } from '../../lib/runner/plan/index.js';
import { runPlaybook } from '../../lib/runner/run.js';
import { file } from '../../lib/resources/index.js';
import { FakeHost, prepareContext } from '../../lib/testing/index.js';
import upgradePb from '../../playbooks/upgrade.js';
import {
  CORDON_BY_UPGRADE,
  drainCommand,
  type KubectlOptions,
  markedCordonCommand,
  markedUncordonCommand,
  parseProbe,
  probeCommand,
} from '../../roles/node-drain/commands.js';
import { drainStep, type NodeCtx, uncordonStep } from '../../roles/upgrade/cordon.js';
import { drainResource } from '../../roles/upgrade/drain.js';
import { upgradeDrain, upgradeUncordon } from '../../roles/upgrade/index.js';
import { parseVersion } from '../../roles/upgrade/version.js';
import { compileWith, Recorder, runWith } from '../runner/helpers.js';
import { forHost, inventory, SMALL } from './helpers.js';

const K: KubectlOptions = { kubectl: '/usr/local/bin/kubectl', kubeconfig: '/etc/kubernetes/admin.conf', drainTimeout: '300s' };
const TARGET = { kubernetes: { version: '1.35.0', url: 'file:///mirror/kubernetes-server-linux-amd64.tar.gz', sha512: 'a'.repeat(128) } };
const WORKERS = ['worker-1', 'worker-2', 'worker-3'];
const SPEC: InventorySpec = {
  ...SMALL,
  hosts: { ...SMALL.hosts, 'master-2': { address: '10.0.0.22' }, 'worker-2': { address: '10.0.0.32' }, 'worker-3': { address: '10.0.0.33' } },
  groups: { ...SMALL.groups, masters: { hosts: ['master-1', 'master-2'] }, workers: { hosts: WORKERS } },
  vars: { ...SMALL.vars, k8s_artifacts: TARGET },
};

interface NodeState {
  unsched: boolean;
  mark?: string;
  kubelet: string;
}

/** The API as the first control-plane host's kubectl sees it: Node objects, and what was asked of them. */
class FakeApi {
  readonly nodes = new Map<string, NodeState>();
  /** `cordon worker-1`, `drain worker-1`, `uncordon worker-1`, in order. */
  readonly calls: string[] = [];
  answer: 'real' | 'standin' | 'down' = 'real';
  failDrain = new Set<string>();

  constructor(
    readonly host: FakeHost,
    nodes: readonly string[] = WORKERS,
  ) {
    for (const n of nodes) {
      this.nodes.set(n, { unsched: false, kubelet: 'v1.34.7' });
      host.script(probeCommand(K, n), () => ({ stdout: `${this.probe(n)}\n` }));
      host.script(markedCordonCommand(K, n, CORDON_BY_UPGRADE), () => {
        this.calls.push(`cordon ${n}`);
        Object.assign(this.nodes.get(n)!, { unsched: true, mark: CORDON_BY_UPGRADE });
      });
      host.script(drainCommand(K, n), () => {
        this.calls.push(`drain ${n}`);
        if (this.failDrain.has(n)) return { exitCode: 1, stderr: `error: unable to drain node "${n}" due to error: global timeout reached: 300s` };
        return { stdout: `node/${n} drained\n` };
      });
      host.script(markedUncordonCommand(K, n), () => {
        this.calls.push(`uncordon ${n}`);
        const s = this.nodes.get(n)!;
        s.unsched = false;
        delete s.mark;
      });
    }
  }

  probe(n: string): string {
    if (this.answer === 'down') return 'down The connection to the server 10.0.0.10:6443 was refused';
    if (this.answer === 'standin') return 'standin';
    const s = this.nodes.get(n)!;
    return `present ${s.unsched ? 'true' : ''}|${s.mark ?? ''}|${s.kubelet}`;
  }
}

/** In place of kubelet and kube-proxy: a file on the worker, and a gate that is where the new kubelet reports its version. */
function stubUpgrade(api: FakeApi, failGate: ReadonlySet<string> = new Set()) {
  return defineRole<object>({
    name: 'kubelet',
    defaults: {},
    resources: (_v, host) => [file({ path: '/usr/local/bin/kubelet', content: 'v1.35.0\n' })].map((r) => ({ ...r, id: `${r.id}@${host.name}` })),
    verify: [
      {
        name: 'upgraded: kubelet on the target version',
        async check({ host }) {
          if (failGate.has(host.name)) throw new Error(`kubelet: its unit is failed (journalctl -u kubelet)`);
          api.nodes.get(host.name)!.kubelet = 'v1.35.0';
        },
      },
    ],
  });
}

const workersPlay = (role: ReturnType<typeof stubUpgrade>) =>
  definePlaybook({ name: 'upgrade', plays: [{ ...upgradePb.plays.find((p) => p.name === 'upgrade workers')!, roles: [role] }] });
/** The playbook's control-plane play (one host at a time, its hooks) with the stub in place of its roles. */
const mastersPlay = (role: ReturnType<typeof stubUpgrade>) =>
  definePlaybook({ name: 'upgrade', plays: [{ ...upgradePb.plays.find((p) => p.name === 'upgrade control plane')!, roles: [role] }] });

const ctxFor = (node: string): NodeCtx => ({ node, from: 'master-1', target: parseVersion('1.35.0')!, kubectl: K });

describe('roles/upgrade: cordon and drain a worker batch, uncordon after (pure)', () => {
  const step = (f: typeof drainStep, probe: string) => {
    const s = f(parseProbe(probe), ctxFor('w1'));
    return [s.change?.after ?? '-', s.commands.map((c) => c.split(' ')[2])];
  };
  it('before: cordon with the mark and drain; drain only when cordoned; nothing when up to date, a stand-in, or no such node', () => {
    assert.deepEqual(step(drainStep, 'present |'), [
      'cordoned and drained from master-1 (kubectl drain --ignore-daemonsets --delete-emptydir-data --timeout=300s)',
      ['patch', 'drain'],
    ]);
    assert.deepEqual(step(drainStep, 'present ||v1.34.7'), step(drainStep, 'present |'));
    assert.deepEqual(step(drainStep, 'present true||v1.34.7'), [
      'drained from master-1 (kubectl drain --ignore-daemonsets --delete-emptydir-data --timeout=300s); it stays cordoned after its upgrade',
      ['drain'],
    ]);
    assert.deepEqual(step(drainStep, `present true|${CORDON_BY_UPGRADE}|v1.35.0`), [
      'drained from master-1 (kubectl drain --ignore-daemonsets --delete-emptydir-data --timeout=300s)',
      ['drain'],
    ]);
    for (const nothing of ['present ||v1.35.0', 'present true||v1.35.0', 'standin', 'absent']) assert.deepEqual(step(drainStep, nothing), ['-', []], nothing);
    assert.throws(
      () => drainStep(parseProbe('down connection refused'), ctxFor('w1')),
      /does not answer from master-1 \(connection refused\): w1 cannot be cordoned/,
    );
    assert.throws(() => drainStep(parseProbe('error Forbidden'), ctxFor('w1')), /asking the API from master-1 for node w1 failed: Forbidden/);
  });

  it('after: uncordon what tsplay cordoned (its mark); never what was cordoned without it', () => {
    assert.deepEqual(step(uncordonStep, `present true|${CORDON_BY_UPGRADE}|v1.35.0`), ['uncordoned from master-1', ['patch']]);
    assert.deepEqual(step(uncordonStep, 'present ||v1.34.7'), ['uncordoned from master-1 once its batch passed its gates', ['patch']], 'check mode');
    assert.deepEqual(step(uncordonStep, 'present true||v1.34.7'), ['left cordoned (kubectl uncordon w1 when you are done with it)', []]);
    for (const nothing of ['present true||v1.35.0', 'present ||v1.35.0', 'standin', 'absent'])
      assert.deepEqual(step(uncordonStep, nothing), ['-', []], nothing);
    const [cordon, uncordon] = [markedCordonCommand(K, 'w1', CORDON_BY_UPGRADE), markedUncordonCommand(K, 'w1')];
    assert.equal(
      cordon,
      `'/usr/local/bin/kubectl' --kubeconfig='/etc/kubernetes/admin.conf' patch node 'w1' --type=merge -p '{"metadata":{"annotations":{"tsplay.io/cordoned-by":"tsplay-upgrade"}},"spec":{"unschedulable":true}}'`,
    );
    assert.match(uncordon, /-p '\{"metadata":\{"annotations":\{"tsplay\.io\/cordoned-by":null\}\},"spec":\{"unschedulable":null\}\}'$/);
  });

  it('the probe asks for the cordon, the mark and the kubelet version in one line', () => {
    assert.match(
      probeCommand(K, 'w1'),
      /get node 'w1' -o jsonpath='\{\.spec\.unschedulable\}\|\{\.metadata\.annotations\.tsplay\\\.io\/cordoned-by\}\|\{\.status\.nodeInfo\.kubeletVersion\}'/,
    );
    assert.deepEqual(parseProbe(`present true|${CORDON_BY_UPGRADE}|v1.35.0\n`), {
      api: 'real',
      node: 'present',
      cordoned: true,
      mark: CORDON_BY_UPGRADE,
      kubelet: 'v1.35.0',
    });
    assert.deepEqual(parseProbe('present ||v1.34.7\n'), { api: 'real', node: 'present', cordoned: false, kubelet: 'v1.34.7' });
  });
});

for (const make of [FakeHost.debian, FakeHost.rhel]) {
  describe(`playbooks/upgrade.ts worker batches on ${make.name} fake hosts, through master-1`, () => {
    const setup = () => {
      const hosts = new Map(['master-1', 'master-2', ...WORKERS].map((n) => [n, make(n)]));
      return { hosts, api: new FakeApi(hosts.get('master-1')!) };
    };
    /** `host role status (on)` of the hooks' and the stub's resources, in order. */
    const steps = (rec: Awaited<ReturnType<typeof runWith>>['rec']) =>
      rec.of('resource').map((e) => `${e.host} ${e.role} ${e.status}${e.on ? ` on ${e.on}` : ''}`);

    it('a real API: each batch cordoned and drained before its upgrade, uncordoned after its gates; a second run drains nothing', async () => {
      const { hosts, api } = setup();
      const { rec, stats } = await runWith(workersPlay(stubUpgrade(api)), inventory(SPEC), { drivers: hosts });
      assert.deepEqual(
        steps(rec),
        WORKERS.flatMap((w) => [`${w} upgrade-drain changed on master-1`, `${w} kubelet changed`, `${w} upgrade-uncordon changed on master-1`]),
      );
      assert.deepEqual(
        api.calls,
        WORKERS.flatMap((w) => [`cordon ${w}`, `drain ${w}`, `uncordon ${w}`]),
      );
      assert.ok(
        WORKERS.every((w) => !api.nodes.get(w)!.unsched && !api.nodes.get(w)!.mark),
        'all schedulable, no mark left',
      );
      assert.deepEqual(
        WORKERS.map((w) => stats.hosts[w]!.failed),
        [0, 0, 0],
      );
      for (const w of WORKERS) assert.deepEqual(hosts.get(w)!.commands, [], `nothing of the API's on ${w}`);

      api.calls.length = 0;
      const again = await runWith(workersPlay(stubUpgrade(api)), inventory(SPEC), { drivers: hosts });
      assert.deepEqual(api.calls, [], 'up to date and unmarked: nothing cordoned or drained');
      assert.deepEqual(
        WORKERS.map((w) => again.stats.hosts[w]!.changed),
        [0, 0, 0],
      );
    });

    it('the control plane: each host that runs a kubelet is drained before its upgrade and uncordoned after, one host at a time; one without a kubelet is not', async () => {
      const hosts = new Map(['master-1', 'master-2', ...WORKERS].map((n) => [n, make(n)]));
      const api = new FakeApi(hosts.get('master-1')!, ['master-1', 'master-2']);
      const { rec, stats } = await runWith(mastersPlay(stubUpgrade(api)), inventory(SPEC), { drivers: hosts });
      assert.deepEqual(steps(rec), [
        // master-1 is the API host: its own kubectl drains it (no "on").
        'master-1 upgrade-drain changed',
        'master-1 kubelet changed',
        'master-1 upgrade-uncordon changed',
        'master-2 upgrade-drain changed on master-1',
        'master-2 kubelet changed',
        'master-2 upgrade-uncordon changed on master-1',
      ]);
      assert.deepEqual(api.calls, ['cordon master-1', 'drain master-1', 'uncordon master-1', 'cordon master-2', 'drain master-2', 'uncordon master-2']);
      assert.equal(stats.hosts['master-2']!.failed, 0);

      // master-2 outside the nodes group (no kubelet there): upgraded, never cordoned or drained.
      const noKubelet: InventorySpec = { ...SPEC, groups: { ...SPEC.groups, k8s: { hosts: ['master-1', ...WORKERS] } } };
      const hosts2 = new Map(['master-1', 'master-2', ...WORKERS].map((n) => [n, make(n)]));
      const api2 = new FakeApi(hosts2.get('master-1')!, ['master-1', 'master-2']);
      const two = await runWith(mastersPlay(stubUpgrade(api2)), inventory(noKubelet), { drivers: hosts2 });
      assert.deepEqual(steps(two.rec), [
        // master-1 is the API host: its own kubectl drains it (no "on").
        'master-1 upgrade-drain changed',
        'master-1 kubelet changed',
        'master-1 upgrade-uncordon changed',
        'master-2 kubelet changed',
      ]);
      assert.deepEqual(api2.calls, ['cordon master-1', 'drain master-1', 'uncordon master-1']);
    });

    it('a node the operator cordoned before the upgrade is drained, not cordoned again, and stays cordoned', async () => {
      const { hosts, api } = setup();
      api.nodes.get('worker-2')!.unsched = true;
      await runWith(workersPlay(stubUpgrade(api)), inventory(SPEC), { drivers: hosts });
      assert.deepEqual(api.calls, [
        'cordon worker-1',
        'drain worker-1',
        'uncordon worker-1',
        'drain worker-2',
        'cordon worker-3',
        'drain worker-3',
        'uncordon worker-3',
      ]);
      assert.deepEqual(api.nodes.get('worker-2'), { unsched: true, kubelet: 'v1.35.0' });
    });

    it('a drain that fails fails its batch before the upgrade and stops the run; the node stays cordoned, later workers untouched', async () => {
      const { hosts, api } = setup();
      api.failDrain.add('worker-2');
      const { rec, stats } = await runWith(workersPlay(stubUpgrade(api)), inventory(SPEC), { drivers: hosts });
      assert.deepEqual(
        rec.of('host-failed').map((e) => e.host),
        ['worker-2'],
      );
      assert.match(rec.of('host-failed')[0]!.error, /upgrade-drain:worker-2.*exited 1.*unable to drain node "worker-2"/s);
      const aborted = rec.of('play-aborted');
      assert.equal(aborted.length, 1);
      assert.deepEqual(aborted[0]!.untouched, ['worker-3']);
      assert.deepEqual(api.calls, ['cordon worker-1', 'drain worker-1', 'uncordon worker-1', 'cordon worker-2', 'drain worker-2']);
      assert.deepEqual(api.nodes.get('worker-2'), { unsched: true, mark: CORDON_BY_UPGRADE, kubelet: 'v1.34.7' }, 'cordoned, for the operator to see');
      assert.equal(hosts.get('worker-2')!.read('/usr/local/bin/kubelet'), undefined, 'not upgraded undrained');
      assert.equal(stats.hosts['worker-3']!.changed, 0);

      // Fixed, run again: worker-2 (cordoned by tsplay, its mark) is drained again, upgraded and uncordoned.
      api.failDrain.clear();
      api.calls.length = 0;
      await runWith(workersPlay(stubUpgrade(api)), inventory(SPEC), { drivers: hosts });
      assert.deepEqual(api.calls, ['drain worker-2', 'uncordon worker-2', 'cordon worker-3', 'drain worker-3', 'uncordon worker-3']);
    });

    it('a failed gate leaves its batch cordoned and stops the run', async () => {
      const { hosts, api } = setup();
      const { rec } = await runWith(workersPlay(stubUpgrade(api, new Set(['worker-2']))), inventory(SPEC), { drivers: hosts });
      assert.deepEqual(
        rec.of('host-failed').map((e) => e.host),
        ['worker-2'],
      );
      assert.match(rec.of('host-failed')[0]!.error, /its unit is failed/);
      assert.deepEqual(api.calls, ['cordon worker-1', 'drain worker-1', 'uncordon worker-1', 'cordon worker-2', 'drain worker-2']);
      assert.equal(api.nodes.get('worker-2')!.unsched, true);
      assert.deepEqual(rec.of('play-aborted')[0]!.untouched, ['worker-3']);
    });

    it('check mode says which nodes would be cordoned, drained and uncordoned, from which host, and runs only the probe', async () => {
      const { hosts, api } = setup();
      api.nodes.get('worker-2')!.unsched = true;
      const { rec } = await runWith(workersPlay(stubUpgrade(api)), inventory(SPEC), { drivers: hosts, mode: 'check' });
      const said = rec
        .of('resource')
        .filter((e) => e.role !== 'kubelet')
        .map((e) => [e.host, e.role, e.on, e.status, e.changes.map((c) => `${c.before} -> ${c.after}`).join(), e.dependsOn ?? []]);
      const drained = 'drained from master-1 (kubectl drain --ignore-daemonsets --delete-emptydir-data --timeout=300s)';
      assert.deepEqual(said, [
        ['worker-1', 'upgrade-drain', 'master-1', 'would-change', `worker-1: schedulable, kubelet v1.34.7 -> cordoned and ${drained}`, []],
        [
          'worker-1',
          'upgrade-uncordon',
          'master-1',
          'would-change',
          'worker-1: cordoned before its batch -> uncordoned from master-1 once its batch passed its gates',
          ['upgrade-drain:worker-1'],
        ],
        [
          'worker-2',
          'upgrade-drain',
          'master-1',
          'would-change',
          `worker-2: cordoned before the upgrade, not by tsplay -> ${drained}; it stays cordoned after its upgrade`,
          [],
        ],
        [
          'worker-2',
          'upgrade-uncordon',
          'master-1',
          'would-change',
          'worker-2: cordoned before the upgrade, not by tsplay -> left cordoned (kubectl uncordon worker-2 when you are done with it)',
          ['upgrade-drain:worker-2'],
        ],
        ['worker-3', 'upgrade-drain', 'master-1', 'would-change', `worker-3: schedulable, kubelet v1.34.7 -> cordoned and ${drained}`, []],
        [
          'worker-3',
          'upgrade-uncordon',
          'master-1',
          'would-change',
          'worker-3: cordoned before its batch -> uncordoned from master-1 once its batch passed its gates',
          ['upgrade-drain:worker-3'],
        ],
      ]);
      assert.deepEqual(api.calls, [], 'nothing cordoned, drained or uncordoned');
      assert.ok(
        hosts.get('master-1')!.commands.every((c) => WORKERS.some((w) => c === probeCommand(K, w))),
        hosts.get('master-1')!.commands.join('\n'),
      );
      const line = eventLines(rec.of('resource')[0]!, { chalk: new Chalk({ level: 0 }), verbose: 1, showDiff: false, mode: 'check' }).join('\n');
      assert.match(line, /\[worker-1 \(on master-1\)\] upgrade-drain › upgrade-drain:worker-1/);
      assert.match(line, /worker-1: schedulable, kubelet v1\.34\.7 → cordoned and drained from master-1/);
    });

    it('a plan file made in check mode (--plan-out) applies as planned (--plan): what the uncordon read, the drain changed', async () => {
      const { hosts, api } = setup();
      api.nodes.get('worker-2')!.unsched = true;
      const roles = new Map<string, RolePlan[]>();
      const record: PlanHook = { record: (host, role, p) => roles.set(host, [...(roles.get(host) ?? []), recordRole(role, p)]) };
      const replay: PlanHook = { replay: (host, role) => roles.get(host)?.find((r) => r.role === role) };
      const run = async (mode: 'check' | 'apply', plan: PlanHook) => {
        const rec = new Recorder();
        const pb = workersPlay(stubUpgrade(api));
        await runPlaybook(
          compileWith(pb, inventory(SPEC)),
          inventory(SPEC).cluster,
          { playbook: pb.name, mode, diff: false, plan },
          { reporter: rec, sleep: async () => {}, now: () => 0, connect: async (h) => hosts.get(h.name)! },
        );
        return rec;
      };
      await run('check', record);
      assert.deepEqual(api.calls, []);
      const rec = await run('apply', replay);
      assert.deepEqual(rec.of('host-failed'), []);
      assert.deepEqual(api.calls, [
        'cordon worker-1',
        'drain worker-1',
        'uncordon worker-1',
        'drain worker-2',
        'cordon worker-3',
        'drain worker-3',
        'uncordon worker-3',
      ]);
      assert.equal(api.nodes.get('worker-2')!.unsched, true);

      // The plan is enforced: a node cordoned by hand since the plan was made is refused, nothing done to it.
      for (const w of WORKERS) Object.assign(api.nodes.get(w)!, { unsched: false, kubelet: 'v1.34.7' });
      roles.clear();
      await run('check', record);
      api.nodes.get('worker-1')!.unsched = true;
      api.calls.length = 0;
      const drifted = await run('apply', replay);
      assert.deepEqual(
        drifted.of('host-failed').map((e) => e.host),
        ['worker-1'],
      );
      assert.match(drifted.of('host-failed')[0]!.error, /refused by the plan: upgrade-drain:worker-1: state drifted/);
      assert.deepEqual(api.calls, []);
    });

    it('the stand-in API: a warning per node that cordon and drain were skipped; nothing asked of it but the probe', async () => {
      const { hosts, api } = setup();
      api.answer = 'standin';
      const r = forHost(upgradeDrain, 'worker-1', { inv: inventory(SPEC) });
      const ctx = prepareContext('check');
      await drainResource(r.vars, r.host, r.cluster, async () => ({ api: 'standin', version: 'v1.35.0-tsplay-standin' })).prepare!(ctx);
      assert.deepEqual(ctx.notes, [
        'warning: worker-1: cordon and drain skipped: the API at https://10.0.0.10:6443 answers /version (v1.35.0-tsplay-standin) but serves no /api/v1 objects (a stand-in, not a real apiserver)',
      ]);
      const { rec } = await runWith(workersPlay(stubUpgrade(api)), inventory(SPEC), { drivers: hosts });
      assert.deepEqual(
        steps(rec),
        WORKERS.flatMap((w) => [`${w} upgrade-drain ok on master-1`, `${w} kubelet changed`, `${w} upgrade-uncordon ok on master-1`]),
      );
      assert.deepEqual(api.calls, []);
    });

    it('an API that does not answer from master-1 fails the first batch before anything in it changed', async () => {
      const { hosts, api } = setup();
      api.answer = 'down';
      const { rec } = await runWith(workersPlay(stubUpgrade(api)), inventory(SPEC), { drivers: hosts });
      assert.deepEqual(
        rec.of('host-failed').map((e) => e.host),
        ['worker-1'],
      );
      assert.match(
        rec.of('host-failed')[0]!.error,
        /the API does not answer from master-1 \(The connection .* refused\): worker-1 cannot be cordoned and drained; .*upgrade_drain: false/,
      );
      assert.equal(hosts.get('worker-1')!.read('/usr/local/bin/kubelet'), undefined);
    });

    it('upgrade_drain false: no hook asks the API; the drain hook only warns', async () => {
      const { hosts, api } = setup();
      const inv = inventory({ ...SPEC, vars: { ...SPEC.vars, upgrade_drain: false } });
      assert.deepEqual(forHost(upgradeUncordon, 'worker-1', { inv }).resources, []);
      const { rec } = await runWith(workersPlay(stubUpgrade(api)), inv, { drivers: hosts });
      assert.deepEqual(
        steps(rec),
        WORKERS.flatMap((w) => [`${w} upgrade-drain ok on master-1`, `${w} kubelet changed`]),
      );
      assert.deepEqual(hosts.get('master-1')!.commands, []);
    });
  });
}
