/**
 * Nothing lost: a notification is recorded on the host by the script that makes the change and cleared by
 * the handler's, so a controller that dies in between leaves the restart to the next run (#16 item 5);
 * and the recap keeps what a host reported however its role ends (#16 item 8).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { HostDriver } from '../../lib/core/driver.js';
import { TransportError } from '../../lib/core/errors.js';
import { definePlaybook } from '../../lib/dsl/playbook.js';
import { defineRole } from '../../lib/dsl/role.js';
import { file, restart, service, unit } from '../../lib/resources/index.js';
import { journalKey } from '../../lib/runner/journal.js';
import { FakeHost } from '../../lib/testing/index.js';
import { inventory, runWith } from './helpers.js';

const app = defineRole({
  name: 'app',
  defaults: { port: 8080 },
  resources: (v) => [
    file({ path: '/etc/app.conf', content: `port=${v.port}\n`, notify: 'restart app' }),
    unit({ name: 'app.service', content: '[Service]\nExecStart=/usr/bin/app\n', notify: 'restart app' }),
    service({ name: 'app', enabled: true, state: 'started' }),
  ],
  handlers: () => ({ 'restart app': restart('app') }),
});
const pb = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [app] }] });
const inv = inventory(['h']);
const KEY = journalKey('app', 'restart app');

/**
 * The host as a controller sees it when the connection dies: in the first action batch once its first
 * `groups` groups ran (their journal notes written, as the script writes them group by group), and at any
 * command (`execs: 0`).
 */
function dying(h: FakeHost, { groups = Number.POSITIVE_INFINITY, execs = Number.POSITIVE_INFINITY } = {}): HostDriver {
  const lost = () => Promise.reject(new TransportError(h.host, 'the connection closed'));
  return {
    host: h.host,
    get roundTrips() {
      return h.roundTrips;
    },
    query: (q, o) => h.query(q, o),
    act: async (g, o) => {
      if (g.length <= groups) return h.act(g, o);
      const notes = new Map([...(o?.notes ?? [])].filter(([i]) => i < groups));
      await h.act(g.slice(0, groups), { ...o, notes });
      return lost();
    },
    exec: (c, o) => (execs > 0 ? h.exec(c, o) : lost()),
    begin: (c) => h.begin(c),
    close: () => h.close(),
  };
}

const restarts = (h: FakeHost, from = 0) => h.log.slice(from).filter((a) => a.a === 'systemctl' && a.verb === 'restart').length;

/** A converged host, then a port change whose connection dies after the change, before the handler (in the same script). */
async function killedBeforeHandler() {
  const h = FakeHost.debian('h');
  await runWith(pb, inv, { drivers: new Map([['h', h]]) });
  const killed = await runWith(pb, inv, { connect: async () => dying(h, { groups: 1 }), drivers: new Map(), extraVars: { port: '9090' } });
  return { h, killed };
}

describe('pending handlers survive the controller', () => {
  it('the change and its notification land together; the next run restarts, reports it, and the journal is empty again', async () => {
    const { h, killed } = await killedBeforeHandler();
    assert.equal(h.read('/etc/app.conf'), 'port=9090\n');
    assert.equal(killed.stats.hosts.h!.unreachable, true);
    assert.deepEqual([...h.runs.journal], [KEY], 'recorded by the apply that changed the file');
    const mark = h.log.length;
    const { rec, stats } = await runWith(pb, inv, { drivers: new Map([['h', h]]), extraVars: { port: '9090' } });
    assert.equal(restarts(h, mark), 1);
    assert.deepEqual(
      rec.of('handler').map((e) => `${e.handler} ${e.status}`),
      ['restart app changed'],
    );
    assert.equal(stats.hosts.h!.changed, 0, 'no resource changed: the restart is the handler line');
    assert.deepEqual([...h.runs.journal], [], 'cleared by the handler script');
    const again = await runWith(pb, inv, { drivers: new Map([['h', h]]), extraVars: { port: '9090' } });
    assert.deepEqual(again.rec.of('handler'), []);
  });

  it('check mode reports a pending handler as would-change and leaves it pending', async () => {
    const { h } = await killedBeforeHandler();
    const mark = h.log.length;
    const { rec } = await runWith(pb, inv, { drivers: new Map([['h', h]]), extraVars: { port: '9090' }, mode: 'check' });
    assert.deepEqual(
      rec.of('handler').map((e) => `${e.handler} ${e.status}`),
      ['restart app would-change'],
    );
    assert.equal(h.log.length, mark);
    assert.deepEqual([...h.runs.journal], [KEY]);
  });

  it('stays pending through a run that dies before its handler batch too', async () => {
    const { h } = await killedBeforeHandler();
    await runWith(pb, inv, { connect: async () => dying(h, { groups: 0 }), drivers: new Map(), extraVars: { port: '9090' } });
    assert.deepEqual([...h.runs.journal], [KEY]);
  });

  it('a unit this apply starts after the notifier needs no restart: the start clears the journal entry', async () => {
    const { h } = await killedBeforeHandler();
    h.services.get('app.service')!.active = false;
    const mark = h.log.length;
    const { rec } = await runWith(pb, inv, { drivers: new Map([['h', h]]), extraVars: { port: '9090' } });
    assert.equal(restarts(h, mark), 0);
    assert.deepEqual(h.service('app.service'), { enabled: true, active: true });
    assert.deepEqual(rec.of('handler'), []);
    assert.deepEqual([...h.runs.journal], []);
  });

  it('a first install starts the unit fresh: nothing is left pending', async () => {
    const h = FakeHost.debian('h');
    await runWith(pb, inv, { drivers: new Map([['h', h]]) });
    assert.equal(restarts(h), 0);
    assert.deepEqual([...h.runs.journal], []);
  });
});

describe('the recap of a host that breaks after its apply', () => {
  const gated = defineRole({
    ...app,
    name: 'app',
    verify: [{ name: 'answers', check: async ({ exec }) => void (await exec('app --ping')) }],
  });
  const gatedPb = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [gated] }] });

  it('keeps the changes it reported: the connection dies at the gate, after the apply and its handler', async () => {
    const h = FakeHost.debian('h').script('app --ping', { exitCode: 0 });
    await runWith(gatedPb, inv, { drivers: new Map([['h', h]]) });
    const killed = await runWith(gatedPb, inv, { connect: async () => dying(h, { execs: 0 }), drivers: new Map(), extraVars: { port: '9090' } });
    assert.deepEqual(killed.rec.resources(), ['h app unit:app.service ok', 'h app service:app.service ok', 'h app file:/etc/app.conf changed']);
    assert.deepEqual(
      killed.rec.of('handler').map((e) => `${e.handler} ${e.status}`),
      ['restart app changed'],
    );
    const s = killed.stats.hosts.h!;
    assert.deepEqual([s.changed, s.ok, s.unreachable], [1, 2, true]);
  });

  it('a connection that dies inside the apply script reports no change it cannot vouch for; the host is unreachable', async () => {
    const { killed } = await killedBeforeHandler();
    assert.deepEqual(killed.rec.resources(), ['h app unit:app.service ok', 'h app service:app.service ok'], 'the file change is not reported');
    assert.equal(killed.stats.hosts.h!.unreachable, true);
  });
});
