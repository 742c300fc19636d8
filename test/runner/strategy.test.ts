import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { ConfigError } from '../../lib/core/errors.js';
import { definePlaybook, type Play } from '../../lib/dsl/playbook.js';
import { batches } from '../../lib/runner/serial.js';
import { FakeHost } from '../../lib/testing/index.js';
import { fileRole, inventory, Probe, runWith, Tracker } from './helpers.js';

const names = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
const inv = inventory(names);
const r1 = fileRole('r1', { '/etc/r1': '1' });
const r2 = fileRole('r2', { '/etc/r2': '2' });
const pb = (play: Partial<Play>) => definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [r1, r2], ...play }] });

/** Probed fake hosts sharing one tracker; `delay` per host name (event-loop turns per call). */
function probes(delay: Record<string, number> = {}, d = 3) {
  const tracker = new Tracker();
  const drivers = new Map(names.map((n) => [n, new Probe(FakeHost.debian(n), tracker, { delay: delay[n] ?? d })]));
  return { tracker, drivers };
}

describe('serial batches', () => {
  const hosts = ['a', 'b', 'c', 'd', 'e'];
  it('a count, a percentage (rounded down, at least 1), a list whose last entry repeats', () => {
    assert.deepEqual(batches(hosts, undefined, 'p'), [hosts]);
    assert.deepEqual(batches(hosts, 2, 'p'), [['a', 'b'], ['c', 'd'], ['e']]);
    assert.deepEqual(batches(hosts, '40%', 'p'), [['a', 'b'], ['c', 'd'], ['e']]);
    assert.deepEqual(batches(hosts, '10%', 'p'), [['a'], ['b'], ['c'], ['d'], ['e']]);
    assert.deepEqual(batches(hosts, [1, '50%'], 'p'), [['a'], ['b', 'c'], ['d', 'e']]);
    assert.deepEqual(batches(hosts, [1, 3, 10], 'p'), [['a'], ['b', 'c', 'd'], ['e']]);
    assert.deepEqual(batches([], 2, 'p'), [[]]);
  });

  it('bad sizes are ConfigErrors naming the play', () => {
    for (const bad of [-1, 1.5, 'x%', '%'] as const) {
      assert.throws(
        () => batches(hosts, bad as never, 'play "p"'),
        (e: unknown) => e instanceof ConfigError && e.message.startsWith('play "p": serial'),
        String(bad),
      );
    }
  });

  it('a batch runs every role before the next batch starts', async () => {
    const { drivers } = probes();
    const { rec } = await runWith(pb({ serial: [2, '50%'] }), inv, { drivers });
    assert.deepEqual(
      rec.of('role-start').map((e) => `${e.role}:${e.hosts.join(',')}`),
      ['r1:h1,h2', 'r2:h1,h2', 'r1:h3,h4,h5', 'r2:h3,h4,h5', 'r1:h6', 'r2:h6'],
    );
    const order = rec.of('resource').map((e) => e.host);
    assert.ok(order.lastIndexOf('h2') < order.indexOf('h3') && order.lastIndexOf('h5') < order.indexOf('h6'), order.join(' '));
  });
});

describe('forks and throttle bound hosts in flight', () => {
  const rows: [string, { forks?: number; throttle?: number }, number][] = [
    ['no bound: every host at once', {}, 6],
    ['--forks 2', { forks: 2 }, 2],
    ['throttle 3', { throttle: 3 }, 3],
    ['--forks 2 below throttle 3', { forks: 2, throttle: 3 }, 2],
    ['throttle 1 below --forks 4', { forks: 4, throttle: 1 }, 1],
  ];
  for (const [title, o, max] of rows) {
    for (const strategy of ['linear', 'free'] as const) {
      it(`${title} (${strategy})`, async () => {
        const { tracker, drivers } = probes();
        const { stats } = await runWith(pb({ strategy, ...(o.throttle ? { throttle: o.throttle } : {}) }), inv, {
          drivers,
          ...(o.forks ? { forks: o.forks } : {}),
        });
        assert.equal(tracker.max, max);
        assert.equal(
          Object.values(stats.hosts).reduce((n, h) => n + h.changed, 0),
          12,
        );
      });
    }
  }
});

describe('strategies', () => {
  it('linear: every host finishes role 1 before any host starts role 2', async () => {
    const { drivers } = probes({ h1: 30 }, 0);
    const { rec } = await runWith(pb({ strategy: 'linear' }), inv, { drivers });
    const roles = rec.of('resource').map((e) => e.role);
    assert.equal(roles.lastIndexOf('r1'), names.length - 1);
    assert.equal(roles.indexOf('r2'), names.length);
    assert.equal(rec.of('resource').findLast((e) => e.role === 'r1')?.host, 'h1', 'the slow host holds everyone back');
  });

  it('free: a fast host goes on alone', async () => {
    const { drivers } = probes({ h1: 30 }, 0);
    const { rec, stats } = await runWith(pb({ strategy: 'free' }), inv, { drivers });
    const seen = rec.of('resource').map((e) => `${e.host}/${e.role}`);
    assert.ok(seen.indexOf('h2/r2') < seen.indexOf('h1/r1'), seen.join(' '));
    assert.deepEqual(seen.slice(-2), ['h1/r1', 'h1/r2']);
    assert.equal(stats.hosts.h1!.changed, 2);
  });

  it('free with --forks 1: one host through every role, then the next', async () => {
    const { drivers } = probes({}, 1);
    const { rec } = await runWith(pb({ strategy: 'free' }), inventory(names), { drivers, forks: 1 });
    assert.deepEqual(
      rec.of('resource').map((e) => `${e.host}/${e.role}`),
      names.flatMap((n) => [`${n}/r1`, `${n}/r2`]),
    );
    // Each host announces each role as it starts it (the console's ROLE lines, the live area's phases).
    assert.deepEqual(
      rec.of('role-start').map((e) => `${e.hosts.join(',')}/${e.role}`),
      names.flatMap((n) => [`${n}/r1`, `${n}/r2`]),
    );
  });
});
