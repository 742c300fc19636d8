/**
 * etcd-member on fake hosts (Debian and RHEL): the refusals made from the inventory alone, the planning
 * from a member's member list and health (who runs member add / remove, in which order, when a quorum
 * forbids it), what check mode says, and what apply runs on the member and on the new or removed host.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../lib/core/errors.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import type { Role } from '../../lib/dsl/role.js';
import type { RunEvent } from '../../lib/report/events.js';
import { runRole } from '../../lib/runner/role-run.js';
import { FakeHost, prepareContext } from '../../lib/testing/index.js';
import { joinEnv, memberAddCommand, memberRemoveCommand, untilDone } from '../../roles/etcd-member/commands.js';
import { addRole, joinRole, MAX_ADDS, removeRole, retireRole } from '../../roles/etcd-member/index.js';
import { memberDir } from '../../roles/etcd-member/join.js';
import { addTargets, namedMembers, removeTargets, replaceTargets } from '../../roles/etcd-member/names.js';
import { judgeAdd, judgeRemove, parseMemberList, quorum, type ClusterMember, type Seen } from '../../roles/etcd-member/plan.js';
import { addPlays, removePlays } from '../../roles/etcd-member/plays.js';
import { defaults, type EtcdMemberVars } from '../../roles/etcd-member/vars.js';
import { members } from '../../roles/etcd/members.js';
import { tempDir } from '../pki/helpers.js';
import { forHost, inventory, varsFor, hostOf } from './helpers.js';

const ADDR = (n: number) => `10.0.0.2${n}`;
const spec = (etcd: readonly string[], pkiDir = '/nonexistent'): InventorySpec => ({
  hosts: Object.fromEntries([1, 2, 3, 4, 5].map((n) => [`etcd-${n}`, { address: ADDR(n) }])),
  groups: { etcd: { hosts: [...etcd] }, masters: { hosts: ['etcd-1'] }, workers: { hosts: ['etcd-1'] } },
  vars: { cluster_name: 'demo', pki_dir: pkiDir },
});
const THREE = ['etcd-1', 'etcd-2', 'etcd-3'];
const FIVE = ['etcd-1', 'etcd-2', 'etcd-3', 'etcd-4', 'etcd-5'];

const ID = (n: number) => `${n}${n}${n}${n}aaaabbbbcccc`;
const peer = (n: number) => `https://${ADDR(n)}:2380`;
const client = (n: number) => `https://${ADDR(n)}:2379`;
/** `member list -w simple` lines: n started, or `u<n>` unstarted. */
const listOf = (ns: readonly (number | `u${number}`)[]) =>
  `${ns
    .map((x) =>
      typeof x === 'number'
        ? `${ID(x)}, started, etcd-${x}, ${peer(x)}, ${client(x)}, false`
        : `${ID(Number(x.slice(1)))}, unstarted, , ${peer(Number(x.slice(1)))}, , false`,
    )
    .join('\n')}\n`;
const healthOf = (up: readonly number[], down: readonly number[] = []) =>
  JSON.stringify([
    ...up.map((n) => ({ endpoint: client(n), health: true })),
    ...down.map((n) => ({ endpoint: client(n), health: false, error: 'context deadline exceeded' })),
  ]);
const seen = (list: readonly (number | `u${number}`)[], up: readonly number[]): Seen => ({
  list: parseMemberList(listOf(list)),
  healthy: new Set(up.map(client)),
});

const vars = (etcd: readonly string[], extra: Record<string, string>) => {
  const inv = inventory(spec(etcd));
  return { inv, v: varsFor(addRole('add', 0), hostOf(inv, 'etcd-1'), {}, extra) as EtcdMemberVars };
};

/** A member whose etcdctl answers member list and health, and records member add / remove. */
function member(kind: 'debian' | 'rhel', name: string, list: string, health: string): FakeHost {
  const h = kind === 'debian' ? FakeHost.debian(name) : FakeHost.rhel(name);
  for (const p of kind === 'debian' ? ['etcd-server', 'etcd-client'] : ['etcd']) h.offer(p, { version: '3.4.23' });
  return h
    .script(/member list -w simple$/, { stdout: list })
    .script(/endpoint health --cluster -w json$/, { stdout: health })
    .script(/member (add|remove) /, { stdout: 'Member added\n' });
}

async function run(
  role: Role<EtcdMemberVars>,
  fake: FakeHost,
  name: string,
  etcd: readonly string[],
  extra: Record<string, string>,
  mode: 'apply' | 'check' = 'apply',
  pkiDir?: string,
) {
  const r = forHost(role, name, { inv: inventory(spec(etcd, pkiDir)), extra });
  const ctx = prepareContext(mode);
  for (const x of r.resources) await x.prepare?.(ctx);
  const events: RunEvent[] = [];
  const hr = { vars: r.vars as unknown as Record<string, unknown>, resources: r.resources, handlers: r.handlers, gates: role.verify ?? [] };
  const res = await runRole(
    { host: r.host, role: role.name, hr, driver: fake, cluster: r.cluster, mode, become: false },
    { emit: (e) => events.push(e), sleep: async () => {} },
  );
  const changed = events.flatMap((e) => (e.kind === 'resource' && (e.status === 'changed' || e.status === 'would-change') ? [e] : []));
  return { ...res, changed, count: r.resources.length };
}
const ran = (h: FakeHost, re: RegExp) => h.commands.filter((c) => re.test(c));

describe('etcd-member: refusals from the inventory alone', () => {
  it('names: none, twice, outside the etcd group', () => {
    assert.throws(
      () => namedMembers({ ...defaults }),
      (e: unknown) => e instanceof ConfigError && /no member named: run with -e etcd_member=HOST/.test(e.message),
    );
    assert.throws(() => namedMembers({ ...defaults, etcd_member: 'etcd-4,etcd-4' }), /etcd-4 named twice/);
    const { inv, v } = vars(THREE, { etcd_member: 'etcd-4' });
    assert.throws(() => addTargets(v, inv.cluster), /etcd-4 is not in the etcd group \(etcd-1, etcd-2, etcd-3\): add it to the inventory's etcd group first/);
    const all = vars(THREE, { etcd_member: 'etcd-1,etcd-2,etcd-3' });
    assert.throws(() => addTargets(all.v, all.inv.cluster), /every host of the etcd group is named/);
  });

  it('add: base and additions in order named', () => {
    const { inv, v } = vars(FIVE, { etcd_member: 'etcd-5,etcd-4' });
    const t = addTargets(v, inv.cluster);
    assert.deepEqual(
      t.base.map((m) => m.name),
      THREE,
    );
    assert.deepEqual(
      t.adding.map((m) => m.name),
      ['etcd-5', 'etcd-4'],
    );
  });

  it('remove: an even count left, no member left, a host outside the group are refused', () => {
    const even = vars(FIVE, { etcd_member: 'etcd-5' });
    assert.throws(() => removeTargets(even.v, even.inv.cluster), /removing etcd-5 would leave 4 members \(etcd-1, etcd-2, etcd-3, etcd-4\): an even count/);
    const none = vars(THREE, { etcd_member: 'etcd-1,etcd-2,etcd-3' });
    assert.throws(() => removeTargets(none.v, none.inv.cluster), /would leave no member/);
    const out = vars(THREE, { etcd_member: 'etcd-5' });
    assert.throws(() => removeTargets(out.v, out.inv.cluster), /etcd-5 is not in the etcd group .*only a member of the etcd group can be removed/);
    const ok = vars(FIVE, { etcd_member: 'etcd-4,etcd-5' });
    assert.deepEqual(
      removeTargets(ok.v, ok.inv.cluster).staying.map((m) => m.name),
      THREE,
    );
  });

  it('replace: the replaced member must be named and out of the etcd group', () => {
    const none = vars(['etcd-1', 'etcd-2', 'etcd-4'], { etcd_member: 'etcd-4' });
    assert.throws(() => replaceTargets(none.v, none.inv.cluster), /no member to replace: run with -e etcd_replaced=NAME/);
    const still = vars(THREE, { etcd_member: 'etcd-3', etcd_replaced: 'etcd-2' });
    assert.throws(() => replaceTargets(still.v, still.inv.cluster), /etcd-2 is still in the etcd group: put the new host in its place/);
    const ok = vars(['etcd-1', 'etcd-2', 'etcd-4'], { etcd_member: 'etcd-4', etcd_replaced: 'etcd-3' });
    assert.deepEqual(
      { ...replaceTargets(ok.v, ok.inv.cluster), base: undefined, adding: undefined },
      { base: undefined, adding: undefined, replaced: 'etcd-3' },
    );
  });

  it('roles refuse at build time (before any host): more additions than rounds, and the schema refuses a bad list', () => {
    assert.equal(addPlays('add').length, 2 * MAX_ADDS);
    assert.deepEqual(
      removePlays('remove').map((p) => p.name),
      ['etcd member remove', 'etcd removed members: stop, disable, wipe'],
    );
    assert.deepEqual(
      removePlays('replace').map((p) => p.name),
      ['etcd member remove'],
    );
    assert.throws(() => forHost(addRole('add', 0), 'etcd-1', { inv: inventory(spec(THREE)), extra: { etcd_member: 'etcd-1;rm' } }), /etcd_member/);
    assert.throws(() => forHost(removeRole('remove'), 'etcd-1', { inv: inventory(spec(FIVE)), extra: { etcd_member: 'etcd-5' } }), /an even count/);
  });
});

describe('etcd-member: planning from what a member sees', () => {
  const group = (ns: readonly number[]) => members({ ...defaults }, inventory(spec(ns.map((n) => `etcd-${n}`))).cluster);
  const g5 = group([1, 2, 3, 4, 5]);
  const [m1, m2, m3, m4, m5] = g5 as [(typeof g5)[0], (typeof g5)[0], (typeof g5)[0], (typeof g5)[0], (typeof g5)[0]];

  it('parses member list lines, started and unstarted; refuses anything else', () => {
    const l: ClusterMember[] = parseMemberList(listOf([1, 'u4']));
    assert.deepEqual(l, [
      { id: ID(1), started: true, name: 'etcd-1', peerUrls: [peer(1)], clientUrls: [client(1)] },
      { id: ID(4), started: false, name: '', peerUrls: [peer(4)], clientUrls: [] },
    ]);
    assert.throws(() => parseMemberList('Error: context deadline exceeded'), /unexpected line: Error: context deadline exceeded/);
    assert.throws(() => parseMemberList(''), /printed nothing/);
    assert.deepEqual([1, 2, 3, 4, 5, 7].map(quorum), [1, 2, 2, 3, 3, 4]);
  });

  it('add: from the first member of before the run, with the initial cluster as member add leaves it', () => {
    const a = judgeAdd({ seen: seen([1, 2, 3], [1, 2, 3]), group: g5, base: [m1, m2, m3], earlier: [], target: m4, check: false, removedEarlier: [] });
    assert.equal(a.kind, 'add');
    assert.deepEqual(a.kind === 'add' && [a.from.name, a.cluster.map((m) => m.name)], ['etcd-1', ['etcd-1', 'etcd-2', 'etcd-3', 'etcd-4']]);
    const b = judgeAdd({ seen: seen([1, 2, 3, 4], [1, 2, 3, 4]), group: g5, base: [m1, m2, m3], earlier: [m4], target: m5, check: false, removedEarlier: [] });
    assert.deepEqual(b.kind === 'add' && b.cluster.map((m) => m.name), ['etcd-1', 'etcd-2', 'etcd-3', 'etcd-4', 'etcd-5']);
  });

  it('add: a member already is one; an unstarted one is started, not added again', () => {
    assert.deepEqual(
      judgeAdd({ seen: seen([1, 2, 3, 4], [1, 2, 3, 4]), group: g5, base: [m1, m2, m3], earlier: [], target: m4, check: false, removedEarlier: [] }),
      { kind: 'member', id: ID(4) },
    );
    assert.deepEqual(
      judgeAdd({ seen: seen([1, 2, 3, 'u4'], [1, 2, 3]), group: g5, base: [m1, m2, m3], earlier: [], target: m4, check: false, removedEarlier: [] }),
      { kind: 'unstarted', id: ID(4) },
    );
  });

  it('add: refuses an unhealthy member, a stranger, a group host that is no member, a second unstarted one', () => {
    const q = { group: g5, base: [m1, m2, m3], earlier: [], target: m4, check: false, removedEarlier: [] };
    assert.throws(
      () => judgeAdd({ ...q, seen: seen([1, 2, 3], [1, 2]) }),
      /every member must be healthy before one is added, etcd-3 \(https:\/\/10\.0\.0\.23:2379\) is not: replace a dead member first/,
    );
    const g3 = group([1, 2, 3]);
    assert.throws(
      () => judgeAdd({ ...q, group: [...g3, m4], seen: seen([1, 2, 3, 5], [1, 2, 3, 5]) }),
      /etcd-5 is a member of the cluster but not in the etcd group: remove it first/,
    );
    assert.throws(
      () => judgeAdd({ ...q, seen: seen([1, 2], [1, 2]) }),
      /etcd-3 is in the etcd group but not a member of the cluster: name it in etcd_member too/,
    );
    assert.throws(
      () => judgeAdd({ ...q, target: m5, earlier: [m4], seen: seen([1, 2, 3, 'u4'], [1, 2, 3]) }),
      /unstarted 4444aaaabbbbcccc \(https:\/\/10\.0\.0\.24:2380\) was added but never started/,
    );
  });

  it('add in check mode: earlier additions and removals of the run are taken as done', () => {
    const a = judgeAdd({ seen: seen([1, 2, 3], [1, 2, 3]), group: g5, base: [m1, m2, m3], earlier: [m4], target: m5, check: true, removedEarlier: [] });
    assert.equal(a.kind, 'add');
    assert.throws(
      () => judgeAdd({ seen: seen([1, 2, 3], [1, 2, 3]), group: g5, base: [m1, m2, m3], earlier: [m4], target: m5, check: false, removedEarlier: [] }),
      /etcd-4 is in the etcd group but not a member/,
    );
    // replace: etcd-3 is dead and would be removed by the play before
    const g = group([1, 2, 4]);
    const r = judgeAdd({ seen: seen([1, 2, 3], [1, 2]), group: g, base: [g[0]!, g[1]!], earlier: [], target: g[2]!, check: true, removedEarlier: ['etcd-3'] });
    assert.deepEqual(r.kind === 'add' && r.cluster.map((m) => m.name), ['etcd-1', 'etcd-2', 'etcd-4']);
    assert.throws(
      () => judgeAdd({ seen: seen([1, 2, 3], [1, 2]), group: g, base: [g[0]!, g[1]!], earlier: [], target: g[2]!, check: false, removedEarlier: ['etcd-3'] }),
      /etcd-3 is a member of the cluster but not in the etcd group/,
    );
  });

  it('remove: dead members first, from the first healthy staying member; already removed ones are gone', () => {
    const r = judgeRemove({ seen: seen([1, 2, 3, 4, 5], [2, 3, 4]), staying: [m1, m2, m3], removing: [m4, m5] });
    assert.equal(r.from.name, 'etcd-2');
    assert.deepEqual(
      r.remove.map((x) => x.name),
      ['etcd-5', 'etcd-4'],
    );
    const again = judgeRemove({ seen: seen([1, 2, 3], [1, 2, 3]), staying: [m1, m2, m3], removing: [m4, m5] });
    assert.deepEqual([again.remove, again.gone], [[], ['etcd-4', 'etcd-5']]);
  });

  it('remove: refused when a step would leave fewer healthy members than a quorum, or there is no quorum', () => {
    assert.throws(
      () => judgeRemove({ seen: seen([1, 2, 3, 4, 5], [1, 4, 5]), staying: [m1, m2, m3], removing: [m4, m5] }),
      /removing etcd-4 would leave 4 members of which 2 are healthy \(etcd-1, etcd-5\), fewer than a quorum of 3: refusing/,
    );
    assert.throws(
      () => judgeRemove({ seen: seen([1, 2, 3, 4, 5], [1, 2]), staying: [m1, m2, m3], removing: [m4, m5] }),
      /the cluster has no quorum: 2 of 5 members healthy/,
    );
    // a dead member of three: the two others are a quorum of two
    assert.deepEqual(judgeRemove({ seen: seen([1, 2, 3], [1, 2]), staying: [m1, m2], removing: [{ name: 'etcd-3' }] }).remove, [{ name: 'etcd-3', id: ID(3) }]);
  });

  it('commands: member add with the peer URL, member remove by id, each done once the member list says so', () => {
    const add = memberAddCommand({ ...defaults }, ADDR(1), m4);
    assert.match(add, /etcdctl --endpoints=https:\/\/127\.0\.0\.1:2379 .* member add 'etcd-4' --peer-urls=https:\/\/10\.0\.0\.24:2380/);
    assert.match(add, /member list -w simple 2>\/dev\/null \| grep -Eq ', https:\/\/10\\\.0\\\.0\\\.24:2380,'/);
    assert.match(memberRemoveCommand({ ...defaults }, ADDR(1), ID(4)), / member remove 4444aaaabbbbcccc/);
    const env = joinEnv({ ...defaults }, m4, [m1, m4], 'demo-etcd');
    assert.match(env, /^ETCD_INITIAL_CLUSTER=etcd-1=https:\/\/10\.0\.0\.21:2380,etcd-4=https:\/\/10\.0\.0\.24:2380$/m);
    assert.match(env, /^ETCD_INITIAL_CLUSTER_STATE=existing$/m);
  });
});

describe('etcd-member: resources on fake hosts', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());
  const ADD = { etcd_member: 'etcd-4,etcd-5' };

  for (const kind of ['debian', 'rhel'] as const) {
    it(`add (${kind}): check mode says who runs member add with which URLs; only the first member runs it`, async () => {
      const one = member(kind, 'etcd-1', listOf([1, 2, 3]), healthOf([1, 2, 3]));
      const c = await run(addRole('add', 0), one, 'etcd-1', FIVE, ADD, 'check');
      assert.deepEqual(c.changed[0]?.changes, [
        {
          field: 'member add',
          before: '3 members: etcd-1, etcd-2, etcd-3',
          after: `etcd-4 ${peer(4)}, run on etcd-1 (${client(1)}); etcd-4 then starts with initial-cluster-state existing, initial cluster etcd-1=${peer(1)},etcd-2=${peer(2)},etcd-3=${peer(3)},etcd-4=${peer(4)}`,
        },
      ]);
      assert.deepEqual(ran(one, /member add/), []);
      const second = await run(addRole('add', 1), member(kind, 'etcd-1', listOf([1, 2, 3]), healthOf([1, 2, 3])), 'etcd-1', FIVE, ADD, 'check');
      assert.match(second.changed[0]?.changes[0]?.before ?? '', /^4 members: etcd-1, etcd-2, etcd-3, etcd-4 \(etcd-4 added earlier in this run\)$/);
      const two = member(kind, 'etcd-2', listOf([1, 2, 3]), healthOf([1, 2, 3]));
      assert.deepEqual((await run(addRole('add', 0), two, 'etcd-2', FIVE, ADD)).changed, []);
      assert.deepEqual(ran(two, /member add/), []);
      await run(addRole('add', 0), one, 'etcd-1', FIVE, ADD);
      assert.equal(ran(one, /member add 'etcd-4' --peer-urls=https:\/\/10\.0\.0\.24:2380/).length, 1);
      // the new hosts and the other rounds' hosts build nothing here
      assert.equal(forHost(addRole('add', 0), 'etcd-4', { inv: inventory(spec(FIVE)), extra: ADD }).resources.length, 0);
      assert.equal(forHost(addRole('add', 2), 'etcd-1', { inv: inventory(spec(FIVE)), extra: ADD }).resources.length, 0);
    });

    it(`join (${kind}): installs etcd, pushes its certificates, starts with initial-cluster-state existing; nothing once it holds a member`, async () => {
      const h = member(kind, 'etcd-4', listOf([1, 2, 3, 4]), healthOf([1, 2, 3, 4]));
      const r = await run(joinRole('add', 0), h, 'etcd-4', FIVE, ADD, 'apply', t.dir);
      assert.equal(r.error, undefined, r.error?.message);
      const env = h.read('/etc/etcd/etcd.env') ?? '';
      assert.match(env, new RegExp(`^ETCD_INITIAL_CLUSTER=etcd-1=${peer(1)},etcd-2=${peer(2)},etcd-3=${peer(3)},etcd-4=${peer(4)}$`, 'm'));
      assert.match(env, /^ETCD_INITIAL_CLUSTER_STATE=existing$/m);
      assert.match(h.read('/etc/kubernetes/pki/etcd/peer.crt') ?? '', /BEGIN CERTIFICATE/);
      assert.deepEqual(h.service('etcd.service'), { enabled: true, active: true });
      h.seedDir(memberDir({ ...defaults }));
      const again = await run(joinRole('add', 0), h, 'etcd-4', FIVE, ADD, 'apply', t.dir);
      assert.deepEqual(
        again.changed.map((e) => e.resource),
        [],
      );
      assert.equal(forHost(joinRole('add', 0), 'etcd-5', { inv: inventory(spec(FIVE, t.dir)), extra: ADD }).resources.length, 0);
    });

    it(`join (${kind}): the membership gate fails while the cluster lacks the new member`, async () => {
      const h = member(kind, 'etcd-4', listOf([1, 2, 3]), healthOf([1, 2, 3]));
      const r = await run(joinRole('add', 0), h, 'etcd-4', FIVE, ADD, 'apply', t.dir);
      assert.match(r.error?.message ?? '', /missing https:\/\/10\.0\.0\.24:2379/);
    });

    it(`remove and retire (${kind}): member remove on the first healthy staying member; the removed host wiped only once it is out`, async () => {
      const RM = { etcd_member: 'etcd-4,etcd-5' };
      const one = member(kind, 'etcd-1', listOf([1, 2, 3, 4, 5]), healthOf([1, 2, 3, 4, 5]));
      const c = await run(removeRole('remove'), one, 'etcd-1', FIVE, RM, 'check');
      assert.deepEqual(
        c.changed[0]?.changes.map((x) => x.field),
        ['member remove etcd-4', 'member remove etcd-5'],
      );
      assert.match(c.changed[0]?.changes[1]?.after ?? '', /^removed, run on etcd-1 \(https:\/\/10\.0\.0\.21:2379\); 3 stay: etcd-1, etcd-2, etcd-3$/);
      await run(removeRole('remove'), one, 'etcd-1', FIVE, RM);
      assert.deepEqual(
        ran(one, /member remove/).map((x) => /member remove (\w+)/.exec(x)![1]),
        [ID(4), ID(5)],
      );
      const gone = member(kind, 'etcd-4', listOf([1, 2, 3, 4]), healthOf([1, 2, 3, 4]))
        .seedUnit('etcd.service', 'x', { enabled: true, active: true })
        .seedDir('/var/lib/etcd/member');
      const refused = await run(retireRole, gone, 'etcd-4', FIVE, RM);
      assert.match(
        refused.error?.message ?? '',
        /etcd-4 is still member 4444aaaabbbbcccc of the cluster \(member remove did not happen\): refusing to stop and wipe it/,
      );
      assert.deepEqual(gone.service('etcd.service'), { enabled: true, active: true });
      const check = await run(retireRole, gone, 'etcd-4', FIVE, RM, 'check');
      assert.equal(check.error, undefined);
      assert.equal(check.changed[0]?.changes[0]?.after, 'removed by the play before; then etcd stopped, disabled, its data wiped');
      gone.script(/member list -w simple$/, { stdout: listOf([1, 2, 3]) });
      const done = await run(retireRole, gone, 'etcd-4', FIVE, RM);
      assert.equal(done.error, undefined);
      assert.deepEqual(gone.service('etcd.service'), { enabled: false, active: false });
      assert.equal(gone.read('/var/lib/etcd/member'), undefined);
      assert.deepEqual((await run(retireRole, gone, 'etcd-4', FIVE, RM)).changed, []);
      const unknown = member(kind, 'etcd-5', '', '[]').script(/member list -w simple$/, { exitCode: 1, stdout: '' });
      assert.match((await run(retireRole, unknown, 'etcd-5', FIVE, RM)).error?.message ?? '', /cannot ask the staying members .* whether etcd-5 was removed/);
    });
  }
});

describe('etcd-member: a membership change retried while the cluster settles (run by sh)', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());
  /** `change` answers the lines of `answers` in turn (one per try), failing unless the line is `ok`. */
  const runUntilDone = (answers: readonly string[], done = 'false', seconds = 10) => {
    const file = join(t.dir, 'answers');
    writeFileSync(file, `${answers.join('\n')}\n`);
    const change = `{ a=$(head -n1 ${file}); sed -i 1d ${file}; echo "$a"; [ "$a" = ok ]; }`;
    const r = spawnSync('sh', ['-c', untilDone({ done, change, seconds })], { encoding: 'utf8' });
    return { code: r.status, out: r.stdout, err: r.stderr, left: readFileSync(file, 'utf8').split('\n').filter(Boolean).length };
  };

  it('retries the settling answers (no leader after the leader was removed, a member just joined) until the change is made', () => {
    const r = runUntilDone(['Error: context deadline exceeded', 'etcdserver: unhealthy cluster', 'etcdserver: leader changed', 'ok', 'never asked']);
    assert.deepEqual([r.code, r.out.trim(), r.left], [0, 'ok', 1]);
  });

  it('fails at once on any other answer, saying it', () => {
    const r = runUntilDone(['Error: etcdserver: peerURL exists', 'ok']);
    assert.deepEqual([r.code, r.err.trim(), r.left], [1, 'Error: etcdserver: peerURL exists', 1]);
  });

  it('makes no change when it is already done (a change that committed although its answer was lost)', () => {
    const r = runUntilDone(['ok'], 'true');
    assert.deepEqual([r.code, r.out.trim(), r.left], [0, 'already done', 1]);
  });

  it('gives up after its deadline, with the last answer', () => {
    const r = runUntilDone(
      Array.from({ length: 10 }, () => 'Error: context deadline exceeded'),
      'false',
      2,
    );
    assert.deepEqual([r.code, r.err.trim()], [1, 'Error: context deadline exceeded']);
    assert.ok(r.left >= 5, `tried about once a second: ${10 - r.left} tries`);
  });
});
