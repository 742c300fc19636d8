import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { CommandTimeout, TransportError } from '../../lib/core/errors.js';
import { definePlaybook, type Play } from '../../lib/dsl/playbook.js';
import { defineRole, type Gate } from '../../lib/dsl/role.js';
import { exitBits, totals } from '../../lib/report/summary.js';
import { command } from '../../lib/resources/index.js';
import { FakeHost } from '../../lib/testing/index.js';
import { fileRole, inventory, Probe, runWith } from './helpers.js';

const names = ['h1', 'h2', 'h3', 'h4'];
const inv = inventory(names);
/** A role whose one command fails on the hosts scripted to fail it. */
const setup = defineRole({ name: 'setup', defaults: {}, resources: () => [command({ command: 'setup' })] });
const after = fileRole('after', { '/etc/after': 'x' });
const play = (more: Partial<Play> = {}): Play => ({ name: 'p', hosts: 'all', roles: [setup, after], ...more });

/** Fake hosts where `setup` fails on `bad`. */
function hosts(bad: readonly string[] = []): Map<string, FakeHost> {
  return new Map(names.map((n) => [n, FakeHost.debian(n).script('setup', bad.includes(n) ? { exitCode: 2, stderr: `setup broke on ${n}` } : {})]));
}
const reached = (drivers: Map<string, FakeHost>) => names.filter((n) => drivers.get(n)!.read('/etc/after') !== undefined);

describe('failure policy', () => {
  it('a failed host stops; the others go on', async () => {
    const drivers = hosts(['h2']);
    const { rec, stats } = await runWith(definePlaybook({ name: 'pb', plays: [play()] }), inv, { drivers });
    assert.deepEqual(reached(drivers), ['h1', 'h3', 'h4']);
    assert.deepEqual(
      rec.of('host-failed').map((e) => e.host),
      ['h2'],
    );
    assert.match(rec.of('host-failed')[0]!.error, /\[h2\] command:setup: exited 2: setup broke on h2/);
    assert.deepEqual(
      rec.resources().filter((l) => l.startsWith('h2')),
      ['h2 setup command:setup failed'],
    );
    assert.deepEqual(rec.of('play-aborted'), []);
    assert.equal(exitBits(stats), 2);
    assert.deepEqual([totals(stats).failedHosts, totals(stats).unreachable], [1, 0]);
  });

  it('anyErrorsFatal: one failure aborts the play and the run, after the role it happened in', async () => {
    const drivers = hosts(['h2']);
    const pb = definePlaybook({
      name: 'pb',
      plays: [play({ anyErrorsFatal: true }), { name: 'q', hosts: 'all', roles: [fileRole('later', { '/etc/later': 'x' })] }],
    });
    const { rec } = await runWith(pb, inv, { drivers });
    assert.deepEqual(reached(drivers), []);
    assert.deepEqual(
      rec.of('play-aborted').map((e) => e.play),
      ['p'],
    );
    assert.match(rec.of('play-aborted')[0]!.reason, /anyErrorsFatal/);
    assert.equal(rec.of('play-start').length, 1);
    assert.equal(rec.of('run-end').length, 1);
    assert.equal(drivers.get('h1')!.read('/etc/later'), undefined);
  });

  it('free strategy: anyErrorsFatal stops the other hosts before their next role, and hosts not yet started', async () => {
    const drivers = hosts(['h1']);
    const probed = new Map(names.map((n) => [n, new Probe(drivers.get(n)!, undefined, { delay: n === 'h1' ? 0 : 20 })]));
    const { rec } = await runWith(definePlaybook({ name: 'pb', plays: [play({ strategy: 'free', anyErrorsFatal: true })] }), inv, {
      drivers: probed,
      forks: 3,
    });
    assert.deepEqual(reached(drivers), []);
    assert.deepEqual(drivers.get('h4')!.commands, [], 'h4 waited for a fork and never started');
    assert.deepEqual(
      rec.of('play-aborted').map((e) => e.play),
      ['p'],
    );
  });

  it('free strategy: maxFailPercent is checked as hosts go, not only when the batch is done', async () => {
    const drivers = hosts(['h1', 'h2']);
    const probed = new Map(names.map((n) => [n, new Probe(drivers.get(n)!, undefined, { delay: ['h1', 'h2'].includes(n) ? 0 : 20 })]));
    await runWith(definePlaybook({ name: 'pb', plays: [play({ strategy: 'free', maxFailPercent: 40 })] }), inv, { drivers: probed });
    assert.deepEqual(reached(drivers), []);
  });

  it('maxFailPercent: aborts when more than that share of the batch failed', async () => {
    const under = hosts(['h2']);
    await runWith(definePlaybook({ name: 'pb', plays: [play({ maxFailPercent: 25 })] }), inv, { drivers: under });
    assert.deepEqual(reached(under), ['h1', 'h3', 'h4'], '25% failed is not more than 25%');
    const over = hosts(['h2']);
    const { rec } = await runWith(definePlaybook({ name: 'pb', plays: [play({ maxFailPercent: 20 })] }), inv, { drivers: over });
    assert.deepEqual(reached(over), []);
    assert.match(rec.of('play-aborted')[0]!.reason, /25% of the batch failed \(maxFailPercent 20\)/);
  });

  it('every host of a batch failed: the run stops (later batches do not start)', async () => {
    const drivers = hosts(['h1']);
    const { rec } = await runWith(definePlaybook({ name: 'pb', plays: [play({ serial: 1 })] }), inv, { drivers });
    assert.deepEqual(reached(drivers), []);
    assert.deepEqual(drivers.get('h2')!.commands, []);
    assert.match(rec.of('play-aborted')[0]!.reason, /every host of the batch failed/);
  });

  it('a host that failed in an earlier play is left out of the next play, and does not count against it', async () => {
    for (const policy of [{ anyErrorsFatal: true }, { maxFailPercent: 10 }, { serial: 1 }] as Partial<Play>[]) {
      const drivers = hosts(['h1']);
      const pb = definePlaybook({
        name: 'pb',
        plays: [play(), { name: 'q', hosts: 'all', roles: [fileRole('one', { '/etc/one': '1' }), fileRole('two', { '/etc/two': '2' })], ...policy }],
      });
      const { rec } = await runWith(pb, inv, { drivers });
      assert.deepEqual(rec.of('play-aborted'), [], JSON.stringify(policy));
      assert.deepEqual(
        names.filter((n) => drivers.get(n)!.read('/etc/two') !== undefined),
        ['h2', 'h3', 'h4'],
        JSON.stringify(policy),
      );
    }
  });
});

describe('unreachable is kept apart from failed', () => {
  const pb = definePlaybook({ name: 'pb', plays: [play()] });

  it('connect rejects with a TransportError: unreachable, exit bit 4; with a failed host too, 6', async () => {
    const drivers = hosts(['h2']);
    const { rec, stats } = await runWith(pb, inv, {
      drivers,
      connect: async (h) => {
        if (h.name === 'h3') throw new TransportError('h3', 'connect ECONNREFUSED 10.0.0.3:22');
        return drivers.get(h.name)!;
      },
    });
    assert.deepEqual(
      rec.of('unreachable').map((e) => [e.host, e.error]),
      [['h3', '[h3] connect ECONNREFUSED 10.0.0.3:22']],
    );
    assert.deepEqual(
      rec.of('host-failed').map((e) => e.host),
      ['h2'],
    );
    assert.deepEqual([stats.hosts.h3!.unreachable, stats.hosts.h3!.failed, stats.hosts.h2!.unreachable], [true, 0, false]);
    assert.deepEqual(reached(drivers), ['h1', 'h4']);
    assert.equal(exitBits(stats), 6);
    assert.deepEqual([totals(stats).failedHosts, totals(stats).unreachable], [1, 1]);
  });

  it('any connect rejection makes the host unreachable (a missing key file, a DNS failure)', async () => {
    const drivers = hosts();
    const { rec, stats } = await runWith(pb, inv, {
      drivers,
      connect: async (h) => {
        if (h.name === 'h1') throw new Error("ENOENT: no such file or directory, open '/root/.ssh/id_missing'");
        return drivers.get(h.name)!;
      },
    });
    assert.deepEqual(
      rec.of('unreachable').map((e) => e.host),
      ['h1'],
    );
    assert.deepEqual(rec.of('host-failed'), []);
    assert.equal(exitBits(stats), 4);
  });

  it('a driver that throws a TransportError mid-run: unreachable, round trips so far counted, others go on', async () => {
    const drivers = hosts();
    const broken = new Probe(drivers.get('h2')!, undefined, { fail: (op) => (op === 'act' ? new TransportError('h2', 'connection reset') : undefined) });
    const { rec, stats } = await runWith(pb, inv, { drivers, connect: async (h) => (h.name === 'h2' ? broken : drivers.get(h.name)!) });
    assert.deepEqual(
      rec.of('unreachable').map((e) => e.host),
      ['h2'],
    );
    assert.deepEqual(rec.of('host-failed'), []);
    assert.deepEqual([stats.hosts.h2!.unreachable, stats.hosts.h2!.failed, stats.hosts.h2!.roundTrips], [true, 0, 1]);
    assert.deepEqual(reached(drivers), ['h1', 'h3', 'h4']);
    assert.equal(exitBits(stats), 4);
  });

  it('a TransportError inside a health gate: unreachable at once, not retried as a failed gate', async () => {
    const gate: Gate<object> = { name: 'healthz', check: async (ctx) => void (await ctx.exec('curl healthz')) };
    const role = fileRole('svc', { '/etc/svc': 'x' }, { verify: [gate] });
    const h = FakeHost.debian('h1');
    const broken = new Probe(h, undefined, { fail: (op) => (op === 'exec' ? new TransportError('h1', 'connection reset') : undefined) });
    const delays: number[] = [];
    const { rec, stats } = await runWith(definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'h1', roles: [role] }] }), inv, {
      drivers: new Map([['h1', broken]]),
      sleep: async (ms) => void delays.push(ms),
    });
    assert.deepEqual(delays, []);
    assert.deepEqual(
      rec.of('unreachable').map((e) => e.host),
      ['h1'],
    );
    assert.deepEqual(rec.of('host-failed'), []);
    assert.equal(exitBits(stats), 4);
  });

  it('a gate command that times out (a loaded host) is a failed attempt, retried; the host is not given up', async () => {
    const gate: Gate<object> = { name: 'healthz', check: async (ctx) => void (await ctx.exec('curl healthz', { timeoutMs: 10_000 })) };
    const role = fileRole('svc', { '/etc/svc': 'x' }, { verify: [gate] });
    let execs = 0;
    const h = FakeHost.debian('h1');
    h.script('curl healthz', { stdout: 'ok' });
    const slow = new Probe(h, undefined, {
      fail: (op) => (op === 'exec' && ++execs <= 2 ? new CommandTimeout('h1', 10_000, 'curl healthz') : undefined),
    });
    const delays: number[] = [];
    const { rec, stats } = await runWith(definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'h1', roles: [role] }] }), inv, {
      drivers: new Map([['h1', slow]]),
      sleep: async (ms) => void delays.push(ms),
    });
    assert.deepEqual(
      rec.of('gate').map((e) => [e.status, e.attempt]),
      [
        ['retry', 1],
        ['retry', 2],
        ['ok', 3],
      ],
    );
    assert.match(String(rec.of('gate')[0]!.error), /command timed out after 10000 ms: curl healthz/);
    assert.deepEqual([rec.of('unreachable'), delays.length, exitBits(stats)], [[], 2, 0]);
  });
});

describe('a check that throws', () => {
  it('fails the host before anything is applied; every resource of the role is still reported once', async () => {
    const broken = defineRole({
      name: 'broken',
      defaults: {},
      resources: () => [
        command({ command: 'first', creates: '/etc/first' }),
        {
          ...command({ command: 'second', creates: '/etc/second' }),
          id: 'bad:check',
          check: () => {
            throw new Error('cannot parse the answer');
          },
        },
        command({ command: 'third', creates: '/etc/third' }),
      ],
    });
    const h = FakeHost.debian('h1');
    const { rec, stats } = await runWith(definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'h1', roles: [broken] }] }), inv, {
      drivers: new Map([['h1', h]]),
    });
    assert.deepEqual(h.log, []);
    assert.deepEqual(rec.resources(), ['h1 broken command:first skipped', 'h1 broken bad:check failed', 'h1 broken command:third skipped']);
    assert.match(rec.of('host-failed')[0]!.error, /\[h1\] bad:check: check failed: cannot parse the answer/);
    assert.deepEqual([stats.hosts.h1!.failed, stats.hosts.h1!.skipped, stats.hosts.h1!.changed], [1, 2, 0]);
  });
});
