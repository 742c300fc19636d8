/**
 * Nothing left behind, nothing overwritten: a run holds each of its hosts for its whole length (a second
 * run waits, then fails that host naming the holder; #16 item 7), and sweeps the temp files a killed run
 * left beside the paths it manages, never in check mode (#16 item 6).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { definePlaybook } from '../../lib/dsl/playbook.js';
import { defineRole } from '../../lib/dsl/role.js';
import { exitBits } from '../../lib/report/summary.js';
import { file, line } from '../../lib/resources/index.js';
import { FakeHost } from '../../lib/testing/index.js';
import { inventory, runWith, ticks } from './helpers.js';

const inv = inventory(['h']);
const adds = (text: string) =>
  definePlaybook({
    name: 'pb',
    plays: [{ name: 'p', hosts: 'all', roles: [defineRole({ name: 'r', defaults: {}, resources: () => [line({ path: '/etc/shared', line: text })] })] }],
  });

describe('the per-host lock', () => {
  it('10 pairs of runs at once, each adding its own line to one file: both lines land every time', async () => {
    for (let i = 0; i < 10; i++) {
      const h = FakeHost.debian('h').seedFile('/etc/shared', 'base\n');
      const [a, b] = await Promise.all([`a${i}`, `b${i}`].map((t) => runWith(adds(t), inv, { connect: async () => h.link(), drivers: new Map() })));
      assert.equal(h.read('/etc/shared'), `base\na${i}\nb${i}\n`);
      assert.deepEqual([exitBits(a!.stats), exitBits(b!.stats)], [0, 0]);
    }
  });

  it('a second run waits while the first holds the host, then goes on', async () => {
    const h = FakeHost.debian('h');
    const first = h.link();
    await first.begin!({ id: 'one', controller: 'ctl', pid: 1, startedAt: 't', lockTimeoutMs: 1000, sweep: [] });
    let done = false;
    const second = runWith(adds('x'), inv, { connect: async () => h.link(), drivers: new Map() }).then((r) => ((done = true), r));
    await ticks(20);
    assert.equal(done, false, 'waiting for the lock');
    assert.equal(h.read('/etc/shared'), undefined, 'nothing read or written while waiting');
    await first.close();
    assert.equal(exitBits((await second).stats), 0);
    assert.equal(h.read('/etc/shared'), 'x\n');
  });

  it('gives up after the lock timeout: that host fails, naming the holder; nothing is touched', async () => {
    const h = FakeHost.debian('h');
    await h.link().begin!({ id: 'abc123', controller: 'ctl-1', pid: 4242, startedAt: '2026-12-02T07:00:00.000Z', lockTimeoutMs: 1000, sweep: [] });
    const { rec, stats } = await runWith(adds('x'), inv, { connect: async () => h.link(), drivers: new Map(), lockTimeoutMs: 30 });
    assert.equal(exitBits(stats), 2);
    assert.match(
      rec.of('host-failed')[0]!.error,
      /h is busy: another tsplay run holds its lock \(run abc123 from ctl-1 pid 4242 started 2026-12-02T07:00:00.000Z\); gave up after 0.03 s \(--lock-timeout\)/,
    );
    assert.equal(h.read('/etc/shared'), undefined);
  });
});

describe('leftover temp files', () => {
  const pb = definePlaybook({
    name: 'pb',
    plays: [
      { name: 'p', hosts: 'all', roles: [defineRole({ name: 'r', defaults: {}, resources: () => [file({ path: '/etc/app/app.conf', content: 'x' })] })] },
    ],
  });
  const seeded = () =>
    FakeHost.debian('h')
      .seedFile('/etc/app/.app.conf.tsplay-0123456789ab', 'half a push')
      .seedFile('/etc/app/.o.tsplay-deadbeefdeadbeef-0-1', 'a failed chown')
      .seedDir('/etc/app/.tsplay-x-deadbeefdeadbeef-0-2')
      .seedFile('/tmp/.tsplay-upload-0011223344556677', 'a sudo upload')
      .seedFile('/etc/app/.keep.tsplay', 'not one of ours: no salt')
      .seedFile('/etc/other/.x.tsplay-0123456789ab', 'not beside a path of this run');

  it('a run removes those beside its paths and in /tmp, and nothing else', async () => {
    const h = seeded();
    await runWith(pb, inv, { drivers: new Map([['h', h]]) });
    const left = [...h.fs.nodes.keys()].filter((p) => p.includes('tsplay')).sort();
    assert.deepEqual(left, ['/etc/app/.keep.tsplay', '/etc/other/.x.tsplay-0123456789ab']);
  });

  it('check mode leaves them', async () => {
    const h = seeded();
    const before = [...h.fs.nodes.keys()].filter((p) => p.includes('tsplay')).length;
    await runWith(pb, inv, { drivers: new Map([['h', h]]), mode: 'check' });
    assert.equal([...h.fs.nodes.keys()].filter((p) => p.includes('tsplay')).length, before);
  });
});
