import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { definePlaybook } from '../../lib/dsl/playbook.js';
import type { Gate } from '../../lib/dsl/role.js';
import { FakeHost } from '../../lib/testing/index.js';
import { fileRole, inventory, runWith } from './helpers.js';

/** A gate that runs `curl healthz` and throws unless it exits 0. */
const health = (more: Partial<Gate<object>> = {}): Gate<object> => ({
  name: 'healthz',
  async check(ctx) {
    const r = await ctx.exec('curl healthz');
    if (r.exitCode !== 0) throw new Error(`healthz: ${r.stderr}`);
  },
  ...more,
});

/** A host whose healthz fails `failures` times, then passes. */
function host(failures: number): FakeHost {
  let n = 0;
  return FakeHost.debian('h1').script('curl healthz', () => (++n <= failures ? { exitCode: 7, stderr: `refused ${n}` } : { stdout: 'ok' }));
}

const inv = inventory(['h1']);
const pb = (gates: Gate<object>[], ...more: ReturnType<typeof fileRole>[]) =>
  definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [fileRole('svc', { '/etc/svc': 'x' }, { verify: gates }), ...more] }] });

async function run(h: FakeHost, gates: Gate<object>[], ...more: ReturnType<typeof fileRole>[]) {
  const delays: number[] = [];
  const ran = await runWith(pb(gates, ...more), inv, { drivers: new Map([['h1', h]]), sleep: async (ms) => void delays.push(ms) });
  return { ...ran, delays };
}

describe('verify gates', () => {
  it('retried with exponential backoff from 50 ms, capped at 2 s, until they pass', async () => {
    const h = host(7);
    const { rec, delays, stats } = await run(h, [health()]);
    assert.deepEqual(delays, [50, 100, 200, 400, 800, 1600, 2000]);
    assert.deepEqual(
      rec.of('gate').map((e) => `${e.status}#${e.attempt}`),
      ['retry#1', 'retry#2', 'retry#3', 'retry#4', 'retry#5', 'retry#6', 'retry#7', 'ok#8'],
    );
    assert.equal(rec.of('gate')[0]!.error, 'healthz: refused 1');
    assert.equal(h.commands.length, 8);
    assert.deepEqual([stats.hosts.h1!.failed, rec.of('host-failed').length], [0, 0]);
  });

  it("delayMs and retries are the gate's own", async () => {
    const { delays, rec } = await run(host(2), [health({ delayMs: 300 })]);
    assert.deepEqual(delays, [300, 600]);
    assert.equal(rec.of('gate').at(-1)!.status, 'ok');
  });

  it('a first delay above the 2 s cap is never shortened', async () => {
    const { delays } = await run(host(3), [health({ delayMs: 5000 })]);
    assert.deepEqual(delays, [5000, 5000, 5000]);
  });

  it('by default gives up after 12 attempts, about 13 s of waiting', async () => {
    const { delays, rec } = await run(host(99), [health()]);
    assert.equal(rec.of('gate').at(-1)!.status, 'failed');
    assert.equal(rec.of('gate').length, 12);
    assert.equal(
      delays.reduce((a, b) => a + b, 0),
      13150,
    );
  });

  it('out of retries: the host fails with the last error, later gates and roles do not run', async () => {
    const h = host(99);
    const second: Gate<object> = { name: 'second', check: async () => assert.fail('must not run') };
    const { rec, delays, stats } = await run(h, [health({ retries: 4 }), second], fileRole('after', { '/etc/after': 'y' }));
    assert.deepEqual(delays, [50, 100, 200]);
    assert.deepEqual(
      rec.of('gate').map((e) => `${e.gate} ${e.status}#${e.attempt}`),
      ['healthz retry#1', 'healthz retry#2', 'healthz retry#3', 'healthz failed#4'],
    );
    assert.match(rec.of('host-failed')[0]!.error, /\[h1\] gate:healthz: healthz: refused 4/);
    assert.equal(h.read('/etc/after'), undefined);
    assert.ok(stats.hosts.h1!.failed > 0);
  });

  it('run after the role applied; skipped on a no-op run (no exec, one round trip)', async () => {
    const h = host(0);
    await run(h, [health()]);
    assert.equal(h.commands.length, 1);
    const again = await run(h, [health()]);
    assert.deepEqual(again.rec.of('gate'), []);
    assert.equal(h.commands.length, 1);
    assert.equal(again.rec.of('role-end')[0]!.roundTrips, 1);
  });

  it('not run in check mode', async () => {
    const h = host(0);
    const { rec } = await runWith(pb([health()]), inv, { drivers: new Map([['h1', h]]), mode: 'check' });
    assert.deepEqual(rec.of('gate'), []);
    assert.deepEqual(h.commands, []);
  });
});
