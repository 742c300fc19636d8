import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { definePlaybook } from '../../lib/dsl/playbook.js';
import { FakeHost } from '../../lib/testing/index.js';
import { fileRole, inventory, runWith } from './helpers.js';

const inv = inventory(['h1', 'h2']);
const a = fileRole('a', { '/etc/a': 'a' });
const b = fileRole('b', { '/etc/b': 'b' });
const pb = definePlaybook({
  name: 'site',
  plays: [
    { name: 'one', hosts: 'all', roles: [a] },
    { name: 'two', hosts: 'h2', roles: [b] },
  ],
});

/** FakeHosts that count close() calls. */
function hosts() {
  const closed = new Map<string, number>();
  const drivers = new Map(
    ['h1', 'h2'].map((n) => {
      const h = FakeHost.debian(n);
      h.close = async () => void closed.set(n, (closed.get(n) ?? 0) + 1);
      return [n, h];
    }),
  );
  return { drivers, closed };
}

describe('run events and stats', () => {
  it('the event stream of a run, in order', async () => {
    const { drivers } = hosts();
    const { rec } = await runWith(pb, inv, { drivers });
    // hosts run at once: the kinds come in this order, and each host's events in its own order
    assert.deepEqual(
      rec.events.map((e) => e.kind),
      ['run-start', 'play-start', 'role-start', 'resource', 'resource', 'role-end', 'role-end', 'play-start', 'role-start', 'resource', 'role-end', 'run-end'],
    );
    const of = (host: string) => rec.events.filter((e) => 'host' in e && e.host === host).map((e) => `${e.kind} ${'role' in e ? e.role : ''}`);
    assert.deepEqual(of('h1'), ['resource a', 'role-end a']);
    assert.deepEqual(of('h2'), ['resource a', 'role-end a', 'resource b', 'role-end b']);
    const start = rec.of('run-start')[0]!;
    assert.deepEqual([start.playbook, start.mode, start.hosts], ['site', 'apply', ['h1', 'h2']]);
    assert.deepEqual(
      rec.of('play-start').map((e) => e.hosts),
      [['h1', 'h2'], ['h2']],
    );
  });

  it('every connected host is closed once at the end; a host that never connected is not', async () => {
    const { drivers, closed } = hosts();
    await runWith(pb, inv, {
      drivers,
      connect: async (h) => {
        if (h.name === 'h1') throw new Error('no route to host');
        return drivers.get(h.name)!;
      },
    });
    assert.deepEqual(Object.fromEntries(closed), { h2: 1 });
  });

  it('time per role and for the run, from the injected clock', async () => {
    const { drivers } = hosts();
    let t = 0;
    const { stats, rec } = await runWith(pb, inv, { drivers, now: () => (t += 10) });
    assert.ok(stats.hosts.h2!.roleMs.a! > 0 && stats.hosts.h2!.roleMs.b! > 0);
    assert.deepEqual(Object.keys(stats.hosts.h1!.roleMs), ['a']);
    assert.ok(rec.of('role-end').every((e) => e.ms > 0));
    assert.ok(stats.ms >= 10 * rec.of('role-end').length);
  });

  it('ok, changed and skipped counts add up per host', async () => {
    const { drivers } = hosts();
    drivers.get('h2')!.seedFile('/etc/a', 'a');
    const { stats } = await runWith(pb, inv, { drivers });
    assert.deepEqual([stats.hosts.h1!.ok, stats.hosts.h1!.changed], [0, 1]);
    assert.deepEqual([stats.hosts.h2!.ok, stats.hosts.h2!.changed], [1, 1]);
  });
});
