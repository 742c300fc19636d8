import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { ConfigError } from '../../lib/core/errors.js';
import type { Host } from '../../lib/core/model.js';
import { file } from '../../lib/resources/index.js';
import { definePlaybook, use, type UseOptions } from '../../lib/dsl/playbook.js';
import { defineRole } from '../../lib/dsl/role.js';
import { Chalk } from 'chalk';
import { eventLines } from '../../lib/report/lines.js';
import { compileWith, fleet, inventory, runWith } from './helpers.js';

/** Writes /tmp/joined-<converged host> with the converged host's own `tag` var, and gates on a command. */
const join = defineRole<{ tag: string }>({
  name: 'join',
  defaults: { tag: 'none' },
  resources: (v, host) => [file({ path: `/tmp/joined-${host.name}`, content: `${host.name} ${v.tag}\n` })],
  verify: [
    {
      name: 'listed',
      async check(ctx) {
        const r = await ctx.exec(`grep -q ${ctx.host.name} /tmp/joined-${ctx.host.name}`);
        if (r.exitCode !== 0) throw new Error(`not listed (exec on ${ctx.on?.name ?? ctx.host.name})`);
      },
    },
  ],
});

const inv = inventory(['a', 'b', 'c'], { groups: { old: { hosts: ['a'] }, new: { hosts: ['b', 'c'] } }, hostVars: { b: { tag: 'bee' }, c: { tag: 'sea' } } });
const onA: UseOptions = { delegateTo: (_h, cluster) => cluster.group('old')[0]!.name };
/** The delegate answers the gate's grep from its own files. */
function hostsWithGrep() {
  const hosts = fleet(['a', 'b', 'c']);
  const a = hosts.get('a')!;
  a.script(/^grep -q /, (cmd) => {
    const [, word, path] = cmd.split(' ').slice(1);
    return { exitCode: a.read(path!)?.includes(word!) ? 0 : 1 };
  });
  return hosts;
}
const pb = (opts: UseOptions = onA) => definePlaybook({ name: 'pb', plays: [{ name: 'grow', hosts: 'new', roles: [use(join, {}, opts)] }] });

describe('delegateTo: a role run on another inventory host', () => {
  it("runs every resource and gate of the converged host on the delegate, with the converged host's vars", async () => {
    const hosts = hostsWithGrep();
    const { rec, stats, connects } = await runWith(pb(), inv, { drivers: hosts });
    assert.equal(hosts.get('a')!.read('/tmp/joined-b'), 'b bee\n');
    assert.equal(hosts.get('a')!.read('/tmp/joined-c'), 'c sea\n');
    assert.equal(hosts.get('b')!.read('/tmp/joined-b'), undefined);
    // b and c never connected: nothing ran on them.
    assert.deepEqual([...connects.keys()], ['a']);
    assert.deepEqual(
      rec.of('resource').map((e) => `${e.host} on ${e.on} ${e.status}`),
      ['b on a changed', 'c on a changed'],
    );
    assert.deepEqual(
      rec.of('gate').map((e) => `${e.host} on ${e.on} ${e.status}`),
      ['b on a ok', 'c on a ok'],
    );
    // Counts go to the converged hosts; round trips to the host that made them.
    assert.deepEqual([stats.hosts.b!.changed, stats.hosts.c!.changed, stats.hosts.a!.changed], [1, 1, 0]);
    assert.equal(stats.hosts.b!.roundTrips, 0);
    assert.ok(stats.hosts.a!.roundTrips >= 4);
  });

  it('delegated roles take turns on the delegate (one role through its door at a time)', async () => {
    const hosts = hostsWithGrep();
    const { rec } = await runWith(pb(), inv, { drivers: hosts });
    const order = rec.events.filter((e) => e.kind === 'resource' || e.kind === 'role-end').map((e) => `${e.kind}:${'host' in e ? e.host : ''}`);
    assert.deepEqual(order, ['resource:b', 'role-end:b', 'resource:c', 'role-end:c']);
  });

  it('check mode says what would change where, and changes nothing', async () => {
    const hosts = hostsWithGrep();
    const { rec } = await runWith(pb(), inv, { drivers: hosts, mode: 'check' });
    assert.deepEqual(
      rec.of('resource').map((e) => `${e.host} on ${e.on} ${e.status}`),
      ['b on a would-change', 'c on a would-change'],
    );
    assert.equal(hosts.get('a')!.read('/tmp/joined-b'), undefined);
    const [line] = eventLines(rec.of('resource')[0]!, { chalk: new Chalk({ level: 0 }), verbose: 0, showDiff: false, mode: 'check' });
    assert.match(line!, /\[b \(on a\)\] join › file:\/tmp\/joined-b/);
  });

  it('a second run is a no-op', async () => {
    const hosts = hostsWithGrep();
    await runWith(pb(), inv, { drivers: hosts });
    const { stats } = await runWith(pb(), inv, { drivers: hosts });
    assert.deepEqual([stats.hosts.b!.changed, stats.hosts.c!.changed, stats.hosts.b!.ok], [0, 0, 1]);
  });

  it('with runOnce, runs once for the play', async () => {
    const hosts = hostsWithGrep();
    const { rec } = await runWith(pb({ ...onA, runOnce: true }), inv, { drivers: hosts });
    assert.deepEqual(
      rec.of('resource').map((e) => `${e.host} on ${e.on}`),
      ['b on a'],
    );
  });

  it('delegating to the host itself is no delegation', async () => {
    const hosts = hostsWithGrep();
    const { rec } = await runWith(pb({ delegateTo: (h: Host) => h.name }), inv, { drivers: hosts });
    assert.deepEqual(
      rec.of('resource').map((e) => `${e.host} ${e.on ?? '-'}`),
      ['b -', 'c -'],
    );
    assert.equal(hosts.get('b')!.read('/tmp/joined-b'), 'b bee\n');
  });

  it('a name that is not an inventory host fails at compile time, naming where and the near miss', () => {
    assert.throws(
      () => compileWith(pb({ delegateTo: () => 'aa' }), inv),
      (e: unknown) => e instanceof ConfigError && /role join on b/.test(e.message) && /"aa", which is not an inventory host.*"a"/s.test(e.message),
    );
    assert.throws(
      () =>
        compileWith(
          pb({
            delegateTo: () => {
              throw new Error('no member');
            },
          }),
          inv,
        ),
      /delegateTo failed: no member/,
    );
  });

  it('an unreachable delegate fails the converged hosts, and marks the delegate unreachable', async () => {
    const hosts = hostsWithGrep();
    const { rec, stats } = await runWith(pb(), inv, {
      drivers: hosts,
      connect: async (h) => (h.name === 'a' ? Promise.reject(new Error('refused')) : hosts.get(h.name)!),
    });
    assert.equal(stats.hosts.a!.unreachable, true);
    assert.deepEqual(
      rec.of('host-failed').map((e) => e.host),
      ['b', 'c'],
    );
    assert.match(rec.of('host-failed')[0]!.error, /delegated to a, which is unreachable/);
    assert.match(rec.of('host-failed')[1]!.error, /a, which the role join is delegated to, is unreachable/);
  });

  it('a failing delegated gate fails the converged host', async () => {
    const hosts = hostsWithGrep();
    hosts.get('a')!.script(/^grep -q b /, { exitCode: 1 });
    const { rec } = await runWith(pb(), inv, { drivers: hosts });
    assert.deepEqual(
      rec.of('host-failed').map((e) => e.host),
      ['b'],
    );
    assert.match(rec.of('host-failed')[0]!.error, /gate:listed.*not listed \(exec on a\)/);
  });
});
