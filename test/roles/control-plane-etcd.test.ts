/**
 * Control-plane add and remove when the hosts are etcd members too (roles/node-ops/etcd.ts): the refusals
 * made while the run compiles (an even or empty etcd group left, every control-plane host, a host named
 * twice), and the playbooks' own membership plays on Debian and RHEL fake hosts whose etcdctl answers
 * from a small in-memory cluster (FakeEtcd): the read-only preflight refuses a quorum loss before any
 * change, the removal runs member remove once per member from the first staying member, wipes the
 * leaving hosts only once they are out, and the etcd role rewrites the staying member's env file; check
 * mode says who runs member add with which URLs, and changes nothing.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import { ConfigError } from '../../lib/core/errors.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import { definePlaybook, type Play } from '../../lib/dsl/playbook.js';
import { FakeHost } from '../../lib/testing/index.js';
import addPb from '../../playbooks/control-plane-add.js';
import removePb from '../../playbooks/control-plane-remove.js';
import { addMembersPlays, membershipPreflight, removeMembersPlays } from '../../roles/node-ops/etcd.js';
import { targetsOf, type Op } from '../../roles/node-ops/target.js';
import { tempDir } from '../pki/helpers.js';
import { runPlaybook } from '../../lib/runner/run.js';
import { prepareAll } from '../../lib/runner/prepare.js';
import { prepareContext } from '../../lib/testing/index.js';
import { compileWith, Recorder, runWith } from '../runner/helpers.js';
import { inventory } from './helpers.js';

const N = [1, 2, 3, 4, 5];
const ADDR = (n: number) => `10.0.0.2${n}`;
/** lb-1, master-1..5 (control plane), worker-1; `etcd` the masters in the etcd group. */
const spec = (etcd: readonly number[], pkiDir = '/nonexistent'): InventorySpec => ({
  hosts: {
    'lb-1': { address: '10.0.0.11' },
    ...Object.fromEntries(N.map((n) => [`master-${n}`, { address: ADDR(n) }])),
    'worker-1': { address: '10.0.0.31' },
  },
  groups: {
    lb: { hosts: ['lb-1'], vars: { vip: '10.0.0.10' } },
    etcd: { hosts: etcd.map((n) => `master-${n}`) },
    masters: { hosts: N.map((n) => `master-${n}`) },
    workers: { hosts: ['worker-1'] },
    k8s: { children: ['masters', 'workers'] },
  },
  vars: {
    cluster_name: 'demo',
    pki_dir: pkiDir,
    k8s_artifacts: { 'flannel-cni': { sha256: 'a'.repeat(64) } },
    pod_cidr: '10.244.0.0/16',
    service_cidr: '10.96.0.0/12',
    cluster_domain: 'cluster.local',
  },
});

const refused = (op: Op, names: string, etcd: readonly number[], why: RegExp) =>
  assert.throws(
    () => targetsOf(op, names, inventory(spec(etcd)).cluster),
    (e: unknown) => e instanceof ConfigError && why.test(e.message) && /var control_plane_(add|remove)/.test(e.where ?? ''),
    `${op} ${names}`,
  );

describe('control-plane operations on etcd members: refused while the run compiles', () => {
  it('removing one of three (an even count left), all of them, every control-plane host; a name twice', () => {
    refused(
      'control-plane-remove',
      'master-3',
      [1, 2, 3],
      /master-3 is an etcd member, so this run removes it as etcd member too: removing master-3 would leave 2 members/,
    );
    refused('control-plane-remove', 'master-1,master-2,master-3', [1, 2, 3], /are etcd members.*would leave no member/);
    refused('control-plane-remove', 'master-1,master-2,master-3,master-4,master-5', [1, 2, 3], /every control-plane host: the cluster would have no API/);
    refused('control-plane-remove', 'master-4,master-4', [1, 2, 3], /master-4 named twice/);
    refused('control-plane-add', 'master-1,master-2,master-3', [1, 2, 3], /every host of the etcd group is named: a member is added to a running cluster/);
    assert.throws(() => targetsOf('node-remove', 'worker-1,lb-1', inventory(spec([1])).cluster), /2 hosts named .*one worker per run/);
  });

  it('accepts two members in or out (the group stays odd), and hosts that are no members', () => {
    const c = inventory(spec([1, 2, 3])).cluster;
    assert.deepEqual(
      targetsOf('control-plane-remove', 'master-2,master-3', c).map((h) => h.name),
      ['master-2', 'master-3'],
    );
    assert.deepEqual(
      targetsOf('control-plane-remove', 'master-4,master-5', c).map((h) => h.name),
      ['master-4', 'master-5'],
    );
    assert.equal(targetsOf('control-plane-add', 'master-3', inventory(spec([1, 2, 3])).cluster)[0]!.name, 'master-3');
  });

  it('the playbooks ask the cluster first (read-only) and change membership after the API side', () => {
    const names = (plays: readonly Play[]) => plays.map((p) => p.name);
    assert.equal(addPb.plays[0]!.name, 'etcd membership: may it change? (read-only)');
    assert.equal(removePb.plays[0]!.name, 'etcd membership: may it change? (read-only)');
    const r = names(removePb.plays);
    assert.ok(r.indexOf('etcd member remove') > r.indexOf('cordon, drain and delete the Node through the API'));
    assert.ok(r.indexOf('etcd staying members configured without them') < r.indexOf('reset the leaving host'));
    const a = names(addPb.plays);
    assert.ok(
      a.indexOf('etcd members configured as one cluster') < a.indexOf('the new control-plane host'),
      'etcd members join before the apiserver that reads them',
    );
  });
});

/** As runWith, with the controller's preparation first (the PKI issued), as `tsplay run` does. */
async function runPrepared(
  pb: ReturnType<typeof definePlaybook>,
  inv: ReturnType<typeof inventory>,
  o: { drivers: ReadonlyMap<string, FakeHost>; mode?: 'check' | 'apply'; extraVars: Record<string, string> },
) {
  const mode = o.mode ?? 'apply';
  const plays = compileWith(pb, inv, { extraVars: o.extraVars });
  await prepareAll(plays, prepareContext(mode));
  const rec = new Recorder();
  const stats = await runPlaybook(
    plays,
    inv.cluster,
    { playbook: pb.name, mode, diff: false },
    {
      reporter: rec,
      sleep: async () => {},
      now: () => 0,
      connect: async (host) => o.drivers.get(host.name)!,
    },
  );
  return { rec, stats };
}

/** An etcd cluster as every member's etcdctl sees it: member list, endpoint health, member add and remove. */
class FakeEtcd {
  readonly members = new Map<number, { started: boolean; up: boolean }>();
  readonly calls: string[] = [];
  constructor(
    readonly hosts: ReadonlyMap<string, FakeHost>,
    initial: readonly number[],
  ) {
    for (const n of initial) this.members.set(n, { started: true, up: true });
    for (const [name, h] of hosts) {
      h.script(/member list -w simple$/, () => ({ stdout: this.list() }));
      h.script(/endpoint health --cluster -w json$/, () => ({ stdout: this.health() }));
      // The change runs inside its retry loop (roles/etcd-member/commands.ts untilDone).
      h.script(/ member remove [0-9a-f]+ 2>&1/, (cmd) => {
        const id = /member remove ([0-9a-f]+) 2>&1/.exec(cmd)![1]!;
        const n = Number(id[0]);
        this.calls.push(`${name}: member remove master-${n}`);
        this.members.delete(n);
        return { stdout: `Member ${id} removed\n` };
      });
      h.script(/ member add master-\d/, (cmd) => {
        const n = Number(/member add 'master-(\d)'/.exec(cmd)![1]);
        this.calls.push(`${name}: member add master-${n}`);
        this.members.set(n, { started: false, up: false });
        return { stdout: 'Member added\n' };
      });
    }
  }
  list(): string {
    return [...this.members]
      .map(([n, m]) =>
        m.started
          ? `${n}${n}${n}${n}aaaabbbbcccc, started, master-${n}, https://${ADDR(n)}:2380, https://${ADDR(n)}:2379, false`
          : `${n}${n}${n}${n}aaaabbbbcccc, unstarted, , https://${ADDR(n)}:2380, , false`,
      )
      .join('\n')
      .concat('\n');
  }
  health(): string {
    return JSON.stringify(
      [...this.members]
        .filter(([, m]) => m.started)
        .map(([n, m]) => ({ endpoint: `https://${ADDR(n)}:2379`, health: m.up, ...(m.up ? {} : { error: 'context deadline exceeded' }) })),
    );
  }
}

for (const make of [FakeHost.debian, FakeHost.rhel]) {
  describe(`control-plane operations on etcd members, ${make.name} fake hosts`, () => {
    let tmp: { dir: string; cleanup(): void };
    before(() => (tmp = tempDir()));
    after(() => tmp.cleanup());

    const fleet = () => {
      const hosts = new Map(['lb-1', ...N.map((n) => `master-${n}`), 'worker-1'].map((n) => [n, make(n)]));
      // What a later play reads ahead (the API, other services) answers as on a host where it is not running.
      for (const h of hosts.values()) h.script(/^/, { exitCode: 1, stderr: 'not running here' });
      for (const h of hosts.values()) for (const p of ['etcd-server', 'etcd-client', 'etcd']) h.offer(p, { version: '3.4.23' });
      return hosts;
    };
    const removal = (op = 'control-plane-remove' as const) => definePlaybook({ name: op, plays: [membershipPreflight(op), ...removeMembersPlays(op)] });
    const addition = (op = 'control-plane-add' as const) => definePlaybook({ name: op, plays: [membershipPreflight(op), ...addMembersPlays(op)] });
    const changed = (rec: Recorder) =>
      rec
        .of('resource')
        .filter((e) => e.status === 'changed' || e.status === 'would-change')
        .map((e) => `${e.host} ${e.resource}`);

    it('a removal that would leave fewer healthy members than a quorum is refused by the read-only preflight: nothing changes', async () => {
      const hosts = fleet();
      const etcd = new FakeEtcd(hosts, N);
      for (const n of [4, 5]) etcd.members.get(n)!.up = false;
      const { rec, stats } = await runWith(removal(), inventory(spec(N, join(tmp.dir, 'pki-q'))), {
        drivers: hosts,
        extraVars: { control_plane_remove: 'master-1,master-2' },
      });
      assert.ok(stats.hosts['master-3']!.failed > 0, 'the preflight fails');
      assert.match(JSON.stringify(rec.events), /removing master-\d would leave 4 members of which 2 are healthy|fewer than a quorum/);
      assert.deepEqual(etcd.calls, [], 'no member remove ran');
      assert.deepEqual(changed(rec), []);
      assert.ok(!rec.events.some((e) => e.kind === 'play-start' && /member remove/.test(String(e.play))), 'the run stopped after the preflight');
    });

    it('removing two of three: member remove from the first staying member, the leaving hosts wiped once out, the staying env file without them', async () => {
      const hosts = fleet();
      const etcd = new FakeEtcd(hosts, [1, 2, 3]);
      const inv = inventory(spec([1, 2, 3], join(tmp.dir, `pki-r-${make.name}`)));
      const check = await runPrepared(removal(), inv, { drivers: hosts, mode: 'check', extraVars: { control_plane_remove: 'master-2,master-3' } });
      assert.deepEqual(
        check.stats.hosts['master-1']!.failed,
        0,
        JSON.stringify(check.rec.events.filter((e) => e.kind === 'host-failed' || (e.kind === 'resource' && e.status === 'failed'))),
      );
      const said = JSON.stringify(check.rec.of('resource').filter((e) => e.resource === 'etcd-member-remove:master-2,master-3'));
      assert.match(said, /removed, run on master-1 \(https:\/\/10\.0\.0\.21:2379\); 1 stay: master-1/);
      assert.deepEqual(etcd.calls, [], 'check mode runs no member remove');
      assert.equal(etcd.members.size, 3);

      const { rec, stats } = await runPrepared(removal(), inv, { drivers: hosts, extraVars: { control_plane_remove: 'master-2,master-3' } });
      assert.equal(
        Object.values(stats.hosts).reduce((a, h) => a + h.failed, 0),
        0,
        JSON.stringify(rec.events.filter((e) => e.kind === 'resource' && e.status === 'failed')),
      );
      assert.deepEqual(etcd.calls, ['master-1: member remove master-2', 'master-1: member remove master-3']);
      for (const n of [2, 3]) {
        const h = hosts.get(`master-${n}`)!;
        assert.equal(h.read('/var/lib/etcd'), undefined, `master-${n}: data wiped`);
      }
      const env = hosts.get('master-1')!.read('/etc/etcd/etcd.env')!;
      assert.match(env, /ETCD_INITIAL_CLUSTER="?master-1=https:\/\/10\.0\.0\.21:2380"?$/m, 'the staying member lists only itself');
      assert.deepEqual(
        changed(rec).filter((c) => c.startsWith('worker-1') || c.startsWith('lb-1') || /master-[45]/.test(c)),
        [],
        'no other host is touched',
      );
    });

    it('adding two: check mode names the member that runs member add, the URLs and the initial cluster; nothing changes', async () => {
      const hosts = fleet();
      const etcd = new FakeEtcd(hosts, [1]);
      const inv = inventory(spec([1, 2, 3], join(tmp.dir, `pki-a-${make.name}`)));
      const { rec, stats } = await runPrepared(addition(), inv, {
        drivers: hosts,
        mode: 'check',
        extraVars: { control_plane_add: 'master-2,master-3,master-4' },
      });
      assert.equal(
        Object.values(stats.hosts).reduce((a, h) => a + h.failed, 0),
        0,
        JSON.stringify(rec.events.filter((e) => e.kind === 'resource' && e.status === 'failed')),
      );
      const said = JSON.stringify(rec.of('resource').filter((e) => String(e.resource).startsWith('etcd-member-add:')));
      assert.match(
        said,
        /master-2 https:\/\/10\.0\.0\.22:2380, run on master-1 \(https:\/\/10\.0\.0\.21:2379\); master-2 then starts with initial-cluster-state existing, initial cluster master-1=https:\/\/10\.0\.0\.21:2380,master-2=https:\/\/10\.0\.0\.22:2380/,
      );
      assert.match(said, /master-3 https:\/\/10\.0\.0\.23:2380, run on master-1/);
      assert.doesNotMatch(said, /master-4/, 'master-4 is no etcd member: nothing to add');
      assert.deepEqual(etcd.calls, []);
    });

    it('an add while a member is unhealthy is refused by the preflight, before the host names and firewall change', async () => {
      const hosts = fleet();
      const etcd = new FakeEtcd(hosts, [1, 2, 3]);
      etcd.members.get(3)!.up = false;
      const inv = inventory(spec(N, join(tmp.dir, `pki-u-${make.name}`)));
      const { rec, stats } = await runWith(addPb, inv, { drivers: hosts, extraVars: { control_plane_add: 'master-4,master-5' } });
      assert.ok(stats.hosts['master-1']!.failed > 0);
      assert.match(JSON.stringify(rec.events), /every member must be healthy before one is added, master-3/);
      assert.deepEqual(changed(rec), [], 'no host touched');
      assert.deepEqual(etcd.calls, []);
    });
  });
}
