import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import { q, type CommandResult, type Query } from '../../lib/core/ops.js';
import { defineResource } from '../../lib/core/resource.js';
import { definePlaybook } from '../../lib/dsl/playbook.js';
import { FakeHost } from '../../lib/testing/index.js';
import { fake, fileRole, inventory, runWith } from './helpers.js';

const inv = inventory(['h1', 'h2']);
const a = fileRole('a', { '/etc/a1': '1', '/etc/a2': '2' });
const b = fileRole('b', { '/etc/b': 'b' });
const c = fileRole('c', { '/etc/c': 'c' }, { handlers: { reload: [{ a: 'command', command: 'reload' }] }, notify: { '/etc/c': 'reload' } });
const pb = definePlaybook({
  name: 'pb',
  plays: [
    { name: 'one', hosts: 'all', roles: [a, b] },
    { name: 'two', hosts: 'h1', roles: [c] },
  ],
});

/** FakeHosts that record every query batch. */
function hosts() {
  const batches = new Map<string, Query[][]>();
  const drivers = new Map(
    ['h1', 'h2'].map((n) => {
      const h = FakeHost.debian(n).script('reload', {});
      const query = h.query.bind(h);
      h.query = async (qs) => (batches.set(n, [...(batches.get(n) ?? []), [...qs]]), query(qs));
      return [n, h];
    }),
  );
  return { drivers, batches };
}

const trips = (rec: Awaited<ReturnType<typeof runWith>>['rec']) => rec.of('role-end').map((e) => `${e.host} ${e.role} ${e.roundTrips}`);

describe('round trips', () => {
  it('a changing role costs 2, its handlers included; one connect per host for the whole run', async () => {
    const { drivers } = hosts();
    const { rec, stats, connects } = await runWith(pb, inv, { drivers });
    assert.deepEqual(trips(rec).sort(), ['h1 a 2', 'h1 b 2', 'h1 c 2', 'h2 a 2', 'h2 b 2']);
    assert.deepEqual([stats.hosts.h1!.roundTrips, stats.hosts.h2!.roundTrips], [6, 4]);
    assert.deepEqual(Object.fromEntries(connects), { h1: 1, h2: 1 });
  });

  it('a no-op run costs 1 per host for all its roles: the first query reads ahead, facts included', async () => {
    const { drivers, batches } = hosts();
    await runWith(pb, inv, { drivers });
    batches.clear();
    const { rec, stats } = await runWith(pb, inv, { drivers });
    assert.deepEqual(trips(rec).sort(), ['h1 a 1', 'h1 b 0', 'h1 c 0', 'h2 a 1', 'h2 b 0']);
    assert.deepEqual([stats.hosts.h1!.roundTrips, stats.hosts.h2!.roundTrips], [1, 1], 'this run only, though the drivers served an earlier run');
    const shape = batches.get('h1')!.map((qs) => qs.map((q) => q.q).join(','));
    assert.deepEqual(shape, ['facts,file,file,file,file']);
  });

  it('check mode reads everything ahead too: it changes nothing, so the answers stay true', async () => {
    const { drivers } = hosts();
    const { rec, stats } = await runWith(pb, inv, { drivers, mode: 'check' });
    assert.equal(rec.of('resource').filter((e) => e.status === 'would-change').length, 7);
    assert.deepEqual([stats.hosts.h1!.roundTrips, stats.hosts.h2!.roundTrips], [1, 1]);
  });

  it("a change on one host sends only that host's later roles back: a converged host pays 1 in all, a fresh one 2 a role", async () => {
    const { drivers } = hosts();
    drivers.get('h1')!.seedFile('/etc/a1', '1').seedFile('/etc/a2', '2').seedFile('/etc/b', 'b');
    const { rec, stats } = await runWith(definePlaybook({ name: 'pb', plays: [{ name: 'one', hosts: 'all', roles: [a, b] }] }), inv, { drivers });
    assert.deepEqual(trips(rec).sort(), ['h1 a 1', 'h1 b 0', 'h2 a 2', 'h2 b 2']);
    assert.deepEqual([stats.hosts.h1!.roundTrips, stats.hosts.h2!.roundTrips], [1, 4]);
  });

  it("a command's answer may read any host: it is asked again after a change anywhere, the host's own state is not", async () => {
    const { drivers, batches } = hosts();
    for (const h of drivers.values()) h.script('etcdctl member list', { stdout: 'm1\n' });
    drivers.get('h1')!.seedFile('/etc/a1', '1').seedFile('/etc/a2', '2').seedFile('/etc/b', 'b');
    const members = defineResource<[CommandResult]>({ id: 'members', queries: [q.command('etcdctl member list')], check: () => [], apply: () => [] });
    const probe = { ...fileRole('probe', {}), resources: () => [members] };
    const { rec } = await runWith(definePlaybook({ name: 'pb', plays: [{ name: 'one', hosts: 'all', roles: [a, b, probe] }] }), inv, { drivers });
    // h2 changes (its files are missing): h1's command answer, read ahead before that, is asked again; its files are not.
    assert.deepEqual(trips(rec).sort(), ['h1 a 1', 'h1 b 0', 'h1 probe 1', 'h2 a 2', 'h2 b 2', 'h2 probe 1']);
    assert.deepEqual(
      batches.get('h1')!.map((qs) => qs.map((x) => x.q).join(',')),
      ['facts,file,file,file,command', 'command'],
    );
  });

  it('in a run that changes nothing, a command answer read ahead is used too', async () => {
    const { drivers } = hosts();
    for (const h of drivers.values())
      h.script('etcdctl member list', { stdout: 'm1\n' }).seedFile('/etc/a1', '1').seedFile('/etc/a2', '2').seedFile('/etc/b', 'b');
    const members = defineResource<[CommandResult]>({ id: 'members', queries: [q.command('etcdctl member list')], check: () => [], apply: () => [] });
    const probe = { ...fileRole('probe', {}), resources: () => [members] };
    const { stats } = await runWith(definePlaybook({ name: 'pb', plays: [{ name: 'one', hosts: 'all', roles: [a, b, probe] }] }), inv, { drivers });
    assert.deepEqual([stats.hosts.h1!.roundTrips, stats.hosts.h2!.roundTrips], [1, 1]);
  });

  it('a later role read ahead sees what an earlier role of the same run wrote, never the state before it', async () => {
    // The first `a` writes h1's files (h2 has them): the second `a`, read ahead before that write, must not say "changed" again.
    const { drivers } = hosts();
    drivers.get('h2')!.seedFile('/etc/a1', '1').seedFile('/etc/a2', '2');
    const { rec } = await runWith(definePlaybook({ name: 'pb', plays: [{ name: 'one', hosts: 'all', roles: [a, a] }] }), inv, { drivers });
    const second = rec.of('resource').slice(-4);
    assert.deepEqual(second.map((e) => `${e.host} ${e.status}`).sort(), ['h1 ok', 'h1 ok', 'h2 ok', 'h2 ok']);
  });

  it('queries to run with another sudo are not read ahead', async () => {
    const { drivers, batches } = hosts();
    const mixed = definePlaybook({
      name: 'pb',
      plays: [
        { name: 'one', hosts: 'h1', roles: [a] },
        { name: 'two', hosts: 'h1', roles: [b], become: true },
      ],
    });
    await runWith(mixed, inv, { drivers });
    batches.clear();
    const { stats } = await runWith(mixed, inv, { drivers });
    assert.equal(stats.hosts.h1!.roundTrips, 2);
    assert.deepEqual(
      batches.get('h1')!.map((qs) => qs.length),
      [3, 1],
    );
  });

  describe('uploads', () => {
    let dir = '';
    before(() => (dir = mkdtempSync(join(tmpdir(), 'tsplay-runner-'))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('each upload is one more round trip', async () => {
      const up = (name: string) => {
        const from = join(dir, name);
        writeFileSync(from, name);
        return { a: 'upload' as const, from, path: `/opt/${name}`, sha256: createHash('sha256').update(name).digest('hex') };
      };
      const role = { ...fileRole('bin', {}), resources: () => [fake('artifact:x', [{ field: 'sha256', after: 'x' }], [up('x'), up('y')])] };
      const h = FakeHost.debian('h1');
      const { rec, stats } = await runWith(definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'h1', roles: [role] }] }), inv, {
        drivers: new Map([['h1', h]]),
      });
      assert.deepEqual(trips(rec), ['h1 bin 4']);
      assert.equal(stats.hosts.h1!.roundTrips, 4);
      assert.equal(h.read('/opt/y'), 'y');
    });
  });
});
