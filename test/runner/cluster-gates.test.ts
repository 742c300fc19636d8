import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { Chalk } from 'chalk';
import { definePlaybook, use, type ClusterGate, type Play } from '../../lib/dsl/playbook.js';
import { defineRole } from '../../lib/dsl/role.js';
import { file } from '../../lib/resources/index.js';
import { recapLines } from '../../lib/report/recap.js';
import { eventLines } from '../../lib/report/lines.js';
import { fileRole, fleet, inventory, runWith } from './helpers.js';

const names = ['a', 'b', 'c', 'd'];
const inv = inventory(names, { groups: { cp: { hosts: ['a'] }, workers: { hosts: ['b', 'c', 'd'] } } });
const plain = new Chalk({ level: 0 });

/** Every worker holds /etc/app, asked of each host through the gate's exec (`cat`). */
const allHave: ClusterGate = {
  name: 'every host has /etc/app',
  async check(ctx) {
    const missing: string[] = [];
    for (const h of ctx.hosts) if ((await ctx.exec(h, 'cat /etc/app')).exitCode !== 0) missing.push(h.name);
    if (missing.length) throw new Error(`missing on ${missing.join(', ')}`);
  },
};

/** The same, for the hosts of the batch just run. */
const batchHas: ClusterGate = { ...allHave, name: 'the batch has /etc/app', check: (ctx) => allHave.check({ ...ctx, hosts: ctx.batch }) };

/** Hosts whose `cat /etc/app` answers from their own files (the fake host does not run cat). */
function hosts(broken: readonly string[] = []) {
  const f = fleet(names);
  for (const [n, h] of f)
    h.script(/^cat /, (cmd) =>
      !broken.includes(n) && h.read(cmd.slice(4)) !== undefined ? { stdout: h.read(cmd.slice(4))! } : { exitCode: 1, stderr: 'No such file' },
    );
  return f;
}

const play = (more: Partial<Play>): Play => ({ name: 'roll', hosts: 'workers', roles: [fileRole('app', { '/etc/app': 'v2' })], ...more });
const pb = (...plays: Play[]) => definePlaybook({ name: 'pb', plays });

describe('cluster-wide gates (Play.gates)', () => {
  it('run after the batch, see every host of the play, and pass', async () => {
    const { rec, stats } = await runWith(pb(play({ gates: [allHave] })), inv, { drivers: hosts() });
    assert.deepEqual(
      rec.of('cluster-gate').map((e) => `${e.gate} ${e.status} ${e.hosts.join(',')}`),
      ['every host has /etc/app ok b,c,d'],
    );
    assert.equal(
      Object.values(stats.hosts).reduce((n, h) => n + h.failed, 0),
      0,
    );
  });

  it('retried with backoff, then fail the batch and stop the run with a clear message', async () => {
    const delays: number[] = [];
    const { rec, stats } = await runWith(pb(play({ gates: [{ ...allHave, retries: 3 }] }), play({ name: 'later', hosts: 'cp' })), inv, {
      drivers: hosts(['c']),
      sleep: async (ms) => void delays.push(ms),
    });
    assert.deepEqual(
      rec.of('cluster-gate').map((e) => `${e.status}#${e.attempt}`),
      ['retry#1', 'retry#2', 'failed#3'],
    );
    assert.deepEqual(delays, [50, 100]);
    assert.deepEqual(
      rec.of('host-failed').map((e) => e.host),
      ['b', 'c', 'd'],
    );
    assert.match(rec.of('host-failed')[0]!.error, /cluster gate "every host has \/etc\/app" of play "roll" failed: missing on c/);
    const aborted = rec.of('play-aborted');
    assert.equal(aborted.length, 1);
    assert.deepEqual(aborted[0]!.untouched, ['a']);
    assert.deepEqual(stats.untouched, ['a']);
    assert.equal(rec.of('play-start').length, 1);
    // The exit code reads the failed counts: a host failed by a cluster gate counts.
    assert.deepEqual(
      ['b', 'c', 'd'].map((h) => stats.hosts[h]!.failed),
      [1, 1, 1],
    );
  });

  it('skipped in check mode and when nothing changed, unless always', async () => {
    const f = hosts();
    const check = await runWith(pb(play({ gates: [allHave] })), inv, { drivers: f, mode: 'check' });
    assert.deepEqual(
      check.rec.of('cluster-gate').map((e) => e.status),
      ['skipped'],
    );
    await runWith(pb(play({})), inv, { drivers: f });
    const noop = await runWith(pb(play({ gates: [allHave, { ...allHave, name: 'always', always: true }] })), inv, { drivers: f });
    assert.deepEqual(
      noop.rec.of('cluster-gate').map((e) => `${e.gate} ${e.status}`),
      ['every host has /etc/app skipped', 'always ok'],
    );
  });

  it("exec on a name that is no inventory host fails the gate, naming the play's hosts", async () => {
    const gate: ClusterGate = { name: 'vip', retries: 1, always: true, check: async (ctx) => void (await ctx.exec('zz', 'true')) };
    const { rec } = await runWith(pb(play({ gates: [gate] })), inv, { drivers: hosts() });
    assert.match(rec.of('host-failed')[0]!.error, /zz is not an inventory host \(the play's hosts: b, c, d\)/);
  });
});

describe('cluster gates on hosts outside the play', () => {
  it('connect once to an inventory host no role runs on, and count its round trips', async () => {
    const gate: ClusterGate = { name: 'cp sees the workers', always: true, check: async (ctx) => void (await ctx.exec('a', 'cat /nothing')) };
    const f = hosts();
    const { stats, connects, rec } = await runWith(pb(play({ gates: [gate] }), play({ name: 'again', gates: [gate] })), inv, { drivers: f });
    assert.deepEqual(
      rec.of('cluster-gate').map((e) => e.status),
      ['ok', 'ok'],
    );
    assert.equal(connects.get('a'), 1);
    assert.equal(stats.hosts.a!.roundTrips, 2);
  });
});

describe('serial batches with hooks (beforeBatch / afterBatch) and a failed gate that stops the rest', () => {
  /** A hook role writing /tmp/<name>-<converged host> where it runs. */
  const hook = (name: string) =>
    defineRole<object>({ name, defaults: {}, resources: (_v, host) => [file({ path: `/tmp/${name}-${host.name}`, content: 'x' })] });

  it('run around each batch, delegated to the control-plane host, in order; later batches wait', async () => {
    const f = hosts();
    const onCp = { delegateTo: () => 'a' };
    const p = play({ serial: 1, beforeBatch: [use(hook('drain'), {}, onCp)], afterBatch: [use(hook('uncordon'), {}, onCp)], gates: [batchHas] });
    const { rec } = await runWith(pb(p), inv, { drivers: f });
    const seq = rec.events.flatMap((e) =>
      e.kind === 'resource' ? [`${e.role}:${e.host}${e.on ? `@${e.on}` : ''}`] : e.kind === 'cluster-gate' ? [`gate:${e.hosts.join(',')}`] : [],
    );
    assert.deepEqual(seq, [
      'drain:b@a',
      'app:b',
      'uncordon:b@a',
      'gate:b',
      'drain:c@a',
      'app:c',
      'uncordon:c@a',
      'gate:c',
      'drain:d@a',
      'app:d',
      'uncordon:d@a',
      'gate:d',
    ]);
    assert.equal(f.get('a')!.read('/tmp/drain-c'), 'x');
  });

  it('hooks stay a linear step under strategy free', async () => {
    const p = play({ strategy: 'free', beforeBatch: [hook('drain')] });
    const { rec } = await runWith(pb(p), inv, { drivers: hosts() });
    const seq = rec.of('resource').map((e) => `${e.role}:${e.host}`);
    assert.deepEqual(seq.slice(0, 3).sort(), ['drain:b', 'drain:c', 'drain:d']);
    assert.deepEqual(seq.slice(3).sort(), ['app:b', 'app:c', 'app:d']);
  });

  it('a failed cluster gate stops the remaining batches; the recap names the hosts left untouched', async () => {
    const f = hosts(['b']);
    const p = play({ serial: 1, gates: [{ ...batchHas, retries: 1 }] });
    const { rec, stats } = await runWith(pb(p), inv, { drivers: f });
    assert.equal(f.get('c')!.read('/etc/app'), undefined);
    assert.deepEqual(stats.untouched, ['c', 'd']);
    const recap = recapLines(stats, { chalk: plain, mode: 'apply' }).join('\n');
    assert.match(recap, /left untouched \(the run stopped before them\): c, d/);
    const line = eventLines(rec.of('play-aborted')[0]!, { chalk: plain, verbose: 0, showDiff: false, mode: 'apply' }).join('\n');
    assert.match(line, /PLAY \[roll\] aborted: cluster gate .* failed: missing on b\n {4}left untouched: c, d/);
  });

  it('a failed host under anyErrorsFatal also leaves the later batches untouched', async () => {
    const f = hosts();
    const p = play({
      serial: 2,
      anyErrorsFatal: true,
      roles: [
        fileRole(
          'app',
          { '/etc/app': 'v2' },
          {
            verify: [
              {
                name: 'up',
                retries: 1,
                check: async (ctx) => {
                  if (ctx.host.name === 'c') throw new Error('down');
                },
              },
            ],
          },
        ),
      ],
    });
    const { stats } = await runWith(pb(p), inv, { drivers: f });
    assert.deepEqual(stats.untouched, ['d']);
  });
});
