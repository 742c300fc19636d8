import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'mocha';
import type { AnyResource } from '../../lib/core/resource.js';
import { secret } from '../../lib/core/secret.js';
import { file } from '../../lib/resources/index.js';
import { plan } from '../../lib/runner/pass.js';
import {
  digestOf,
  PLAN_FORMAT,
  readPlanFile,
  recordRole,
  replayRole,
  sourceDiffers,
  writePlanFile,
  type PlanFile,
  type PlanSource,
} from '../../lib/runner/plan/index.js';
import { FakeHost } from '../../lib/testing/index.js';

const TOKEN = 'plan-secret-9b1e44c0aa';
const resources = (content = 'one\n'): AnyResource[] => [
  file({ path: '/etc/app/a.conf', content }),
  file({ path: '/etc/app/b.conf', content: 'two\n' }),
  file({ path: '/etc/app/token', content: secret(`${TOKEN}\n`), mode: 0o600 }),
];

/** A check-mode plan of `res` on `h`, recorded, with nothing applied. */
async function record(h: FakeHost, res: readonly AnyResource[], role = 'app') {
  const p = await plan(h, res, undefined, {});
  return recordRole(role, p);
}

for (const [os, make] of [
  ['debian', () => FakeHost.debian('h1')],
  ['rhel', () => FakeHost.rhel('h1')],
] as const) {
  describe(`plan files (${os})`, () => {
    it('records a digest of the answers and the actions; apply sends exactly those; a second plan is empty', async () => {
      const h = make().seedFile('/etc/app/a.conf', 'old\n');
      const rec = await record(h, resources());
      assert.deepEqual(
        rec.resources.map((r) => r.id),
        ['file:/etc/app/a.conf', 'file:/etc/app/b.conf', 'file:/etc/app/token'],
      );
      assert.equal(h.read('/etc/app/b.conf'), undefined, 'recording changes nothing');
      assert.ok(rec.resources.every((r) => r.answers.startsWith('sha256:') && r.actions !== digestOf([])));
      const sent: unknown[] = [];
      const act = h.act.bind(h);
      h.act = async (groups, opts) => (sent.push(...groups), act(groups, opts));
      const out = await replayRole({ host: 'h1', driver: h, resources: resources(), recorded: rec });
      assert.deepEqual(out.refusals, []);
      assert.equal(out.applied?.failure, undefined);
      assert.deepEqual(
        sent.map(digestOf),
        rec.resources.map((r) => r.actions),
      );
      assert.equal(h.read('/etc/app/a.conf'), 'one\n');
      const again = await record(h, resources());
      assert.ok(
        again.resources.every((r) => r.actions === digestOf([]) && (r.list ?? []).length === 0),
        'nothing left to do',
      );
    });

    it('refuses, naming the resource, where the state drifted since the plan, and applies nothing', async () => {
      const h = make().seedFile('/etc/app/a.conf', 'old\n');
      const rec = await record(h, resources());
      h.seedFile('/etc/app/b.conf', 'edited by hand\n');
      const out = await replayRole({ host: 'h1', driver: h, resources: resources(), recorded: rec });
      assert.deepEqual(
        out.refusals.map((r) => `${r.host} ${r.role} ${r.resource}`),
        ['h1 app file:/etc/app/b.conf'],
      );
      assert.match(out.refusals[0]!.why, /drifted/);
      assert.equal(out.applied, undefined);
      assert.equal(h.read('/etc/app/a.conf'), 'old\n', 'not even the resources that still match');
      assert.equal(h.read('/etc/app/token'), undefined);
    });

    it('refuses when the role compiles to other resources or other actions than the plan', async () => {
      const h = make();
      const rec = await record(h, resources());
      const other = await replayRole({ host: 'h1', driver: h, resources: resources('changed\n'), recorded: rec });
      assert.deepEqual(
        other.refusals.map((r) => r.resource),
        ['file:/etc/app/a.conf'],
      );
      assert.match(other.refusals[0]!.why, /actions differ/);
      const fewer = await replayRole({ host: 'h1', driver: h, resources: resources().slice(1), recorded: rec });
      assert.match(fewer.refusals[0]!.why, /gone: file:\/etc\/app\/a.conf/);
      assert.equal(h.read('/etc/app/b.conf'), undefined);
    });
  });
}

describe('plan files: the dependsOn edge', () => {
  /** A second role reads what the first writes: at plan time its answers are the pre-change ones. */
  const dir = () => [file({ path: '/etc/a.conf', content: 'one\n' })];
  const reader = (content: string) => [file({ path: '/etc/a.conf', content })];

  it('a dependent check is compared by its actions once the earlier role applied, not by its stale answers', async () => {
    const h = FakeHost.debian('h1');
    const p1 = await plan(h, dir(), undefined, {});
    const p2 = await plan(h, reader('one\n'), p1.facts, {}, p1.writes);
    assert.deepEqual(p2.planned[0]!.dependsOn, ['file:/etc/a.conf']);
    const [r1, r2] = [recordRole('first', p1), recordRole('second', p2)];
    assert.deepEqual(r2.resources[0]!.dependsOn, ['file:/etc/a.conf']);
    const first = await replayRole({ host: 'h1', driver: h, resources: dir(), recorded: r1 });
    assert.deepEqual([first.refusals, first.applied?.failure], [[], undefined]);
    assert.equal(h.read('/etc/a.conf'), 'one\n');
    // After the first role, the second has nothing to do while the plan says it writes: a deviation, refused.
    const out = await replayRole({ host: 'h1', driver: h, resources: reader('one\n'), recorded: r2 });
    assert.deepEqual(
      out.refusals.map((r) => r.resource),
      ['file:/etc/a.conf'],
    );
    assert.match(out.refusals[0]!.why, /actions differ from the planned ones \(checked after file:\/etc\/a.conf\)/);
  });

  it('a dependent check whose fresh actions equal the planned ones applies', async () => {
    const h = FakeHost.debian('h1');
    const p1 = await plan(h, dir(), undefined, {});
    const p2 = await plan(h, reader('two\n'), p1.facts, {}, p1.writes);
    await replayRole({ host: 'h1', driver: h, resources: dir(), recorded: recordRole('first', p1) });
    // Planned against an absent file, checked now against 'one\n': the whole-file write is the same.
    const out = await replayRole({ host: 'h1', driver: h, resources: reader('two\n'), recorded: recordRole('second', p2) });
    assert.deepEqual([out.refusals, out.applied?.failure], [[], undefined]);
    assert.equal(h.read('/etc/a.conf'), 'two\n');
  });
});

describe('plan files: on disk', () => {
  const source = (over: Partial<PlanSource> = {}): PlanSource => ({
    tsplay: '0.1.0',
    playbook: { path: 'pb.ts', digest: digestOf('pb') },
    inventory: { path: 'inv.ts', digest: digestOf('inv') },
    vars: digestOf({}),
    resources: digestOf(['file:/a']),
    ...over,
  });

  it('is written atomically, 0600, and holds no secret content (a secret resource keeps only digests)', async () => {
    const h = FakeHost.debian('h1').seedDir('/etc/app');
    const rec = await record(h, resources());
    const tmp = mkdtempSync(join(tmpdir(), 'tsplay-plan-'));
    try {
      const path = join(tmp, 'plan.json');
      const pf: PlanFile = { format: PLAN_FORMAT, source: source(), hosts: [{ host: 'h1', roles: [rec] }] };
      writePlanFile(path, pf);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      const text = readFileSync(path, 'utf8');
      assert.ok(!text.includes(TOKEN) && !text.includes(Buffer.from(TOKEN).toString('base64').slice(0, 16)), 'the secret is not in the plan file');
      assert.ok(text.includes('/etc/app/b.conf') && text.includes('"write"'), 'non-secret actions are stored');
      const token = readPlanFile(path).hosts[0]!.roles[0]!.resources[2]!;
      assert.deepEqual([token.secret, token.list], [true, undefined]);
      // apply recomputes the secret's actions and compares digests
      const out = await replayRole({ host: 'h1', driver: h, resources: resources(), recorded: readPlanFile(path).hosts[0]!.roles[0]! });
      assert.deepEqual([out.refusals, out.applied?.failure], [[], undefined]);
      assert.equal(h.read('/etc/app/token'), `${TOKEN}\n`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('refuses a plan made from another version, saying which differs', () => {
    assert.deepEqual(sourceDiffers(source(), source()), []);
    assert.deepEqual(sourceDiffers(source(), source({ tsplay: '0.2.0', playbook: { path: 'pb.ts', digest: digestOf('pb2') } })), [
      'tsplay version (plan 0.1.0, now 0.2.0)',
      'playbook pb.ts changed since the plan',
    ]);
    assert.deepEqual(sourceDiffers(source(), source({ vars: digestOf({ x: 1 }) })), ["-e vars differ from the plan's"]);
  });

  it('rejects a file that is not a plan', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'tsplay-plan-'));
    try {
      writePlanFile(join(tmp, 'x.json'), { format: 'nope' } as unknown as PlanFile);
      assert.throws(() => readPlanFile(join(tmp, 'x.json')), /not a tsplay plan file/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
