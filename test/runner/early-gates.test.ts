/**
 * A command gate's first attempts ride along with the apply (its probe runs on the host after the changes
 * and handlers, in the same script): a first install is query + act, and a service that is up a moment
 * after its start costs no round trip. What the host's attempts did not settle is polled as before.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { definePlaybook } from '../../lib/dsl/playbook.js';
import { commandGate } from '../../lib/dsl/command-gate.js';
import { defineRole, type Gate } from '../../lib/dsl/role.js';
import { file } from '../../lib/resources/index.js';
import { FakeHost } from '../../lib/testing/index.js';
import { inventory, runWith } from './helpers.js';

/** curl of the page: passes when it exits 0 and shows `want`. */
const page = (want = 'hello', name = 'page') =>
  commandGate<object>({
    name,
    command: () => `curl ${name}`,
    judge(r) {
      if (r.exitCode !== 0) throw new Error(`curl exited ${r.exitCode}: ${r.stderr}`);
      if (!r.stdout.includes(want)) throw new Error(`the page does not show ${want}`);
    },
  });

/** Replies `down` (exit 7) for the first `failures` calls of `curl NAME`, then `body`. */
const serving = (h: FakeHost, failures: number, body = 'hello', name = 'page') => {
  let n = 0;
  return h.script(`curl ${name}`, () => (++n <= failures ? { exitCode: 7, stderr: `refused ${n}` } : { stdout: body }));
};

const role = (gates: Gate<object>[], rolling = false) =>
  defineRole<object>({
    name: 'app',
    defaults: {},
    rolling,
    resources: () => [file({ path: '/etc/app.conf', content: 'x', notify: 'restart' })],
    handlers: () => ({ restart: [{ a: 'command', command: 'restart app' }] }),
    verify: gates,
  });

async function run(h: FakeHost, gates: Gate<object>[], rolling = false) {
  const delays: number[] = [];
  h.script('restart app', {});
  const pb = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [role(gates, rolling)] }] });
  const ran = await runWith(pb, inventory([h.host]), { drivers: new Map([[h.host, h]]), sleep: async (ms) => void delays.push(ms) });
  const gate = ran.rec.of('gate').map((e) => `${e.gate} ${e.status}#${e.attempt}`);
  return { ...ran, delays, gate, trips: ran.rec.of('role-end')[0]!.roundTrips };
}

for (const [os, make] of [
  ['Debian', () => FakeHost.debian('h1')],
  ['RHEL', () => FakeHost.rhel('h1')],
] as const) {
  describe(`gates that ride along with the apply (${os})`, () => {
    it('a service up at once: query + act, the handler then the probe in the same script', async () => {
      const h = serving(make(), 0);
      const r = await run(h, [page()]);
      assert.equal(r.trips, 2);
      assert.deepEqual(r.gate, ['page ok#1']);
      assert.deepEqual(h.commands, ['restart app', 'curl page']);
      assert.deepEqual(r.delays, [], 'the host waited, not the controller');
    });

    it('a service up a moment later: the host tries again (attempts 1-2 reported as retries), still 2 round trips', async () => {
      const r = await run(serving(make(), 2), [page()]);
      assert.equal(r.trips, 2);
      assert.deepEqual(r.gate, ['page retry#1', 'page retry#2', 'page ok#3']);
      assert.equal(r.rec.of('gate')[0]!.error, 'curl exited 7: refused 1');
    });

    it('not up after the host’s 4 attempts: polled from attempt 5, after the delay the schedule has reached (400 ms)', async () => {
      const r = await run(serving(make(), 5), [page()]);
      assert.deepEqual(r.gate, ['page retry#1', 'page retry#2', 'page retry#3', 'page retry#4', 'page retry#5', 'page ok#6']);
      assert.deepEqual(r.delays, [400, 800]);
      assert.equal(r.trips, 4, 'query + act + 2 polled attempts');
    });

    it('an answer that exits 0 but does not pass stops the host’s attempts; the controller goes on from attempt 2', async () => {
      const h = make();
      let n = 0;
      h.script('curl page', () => ({ stdout: ++n === 1 ? 'old title' : 'hello' }));
      const r = await run(h, [page()]);
      assert.deepEqual(r.gate, ['page retry#1', 'page ok#2']);
      assert.equal(r.rec.of('gate')[0]!.error, 'the page does not show hello');
      assert.deepEqual(r.delays, [50]);
    });

    it('every attempt spent on the host (retries: 2): the gate fails with the last error, nothing polled', async () => {
      const r = await run(serving(make(), 99), [{ ...page(), retries: 2 }]);
      assert.deepEqual(r.gate, ['page retry#1', 'page failed#2']);
      assert.equal(r.trips, 2);
      assert.equal(r.stats.hosts.h1!.failed, 1);
      assert.match(r.rec.of('host-failed')[0]!.error, /gate:page.*refused 2/s);
    });

    it('two gates: the second’s early answer is used only when the first passed on the host’s attempts', async () => {
      const fast = serving(serving(make(), 0, 'hello', 'one'), 0, 'hello', 'two');
      const a = await run(fast, [page('hello', 'one'), page('hello', 'two')]);
      assert.deepEqual(a.gate, ['one ok#1', 'two ok#1']);
      assert.equal(a.trips, 2);
      // The first needs polling: the second's answer predates the first passing, so the second is asked again.
      const slow = serving(serving(make(), 4, 'hello', 'one'), 0, 'hello', 'two');
      const b = await run(slow, [page('hello', 'one'), page('hello', 'two')]);
      assert.deepEqual(b.gate, ['one retry#1', 'one retry#2', 'one retry#3', 'one retry#4', 'one ok#5', 'two ok#1']);
      assert.deepEqual(
        slow.commands.filter((c) => c.startsWith('curl')),
        ['curl one', 'curl one', 'curl one', 'curl one', 'curl one', 'curl two'],
        'the host’s probes stop at the first that never passed; two is asked by the controller',
      );
    });

    it('a gate with no probe (a plain check) and the gates after it are polled as before', async () => {
      const h = serving(make(), 0);
      const plain: Gate<object> = { name: 'plain', check: async ({ exec }) => void (await exec('curl page')) };
      const r = await run(h, [plain, page()]);
      assert.deepEqual(r.gate, ['plain ok#1', 'page ok#1']);
      assert.equal(r.trips, 4, 'query + act + one exec per gate');
    });

    it('a rolling role keeps its turn: handlers and gates in round trips of their own', async () => {
      const r = await run(serving(make(), 0), [page()], true);
      assert.deepEqual(r.gate, ['page ok#1']);
      assert.equal(r.trips, 4, 'query + act + handlers + gate');
    });

    it('a failing change runs neither the handler nor the probe', async () => {
      const h = serving(make(), 0);
      const failing = defineRole<object>({
        name: 'app',
        defaults: {},
        resources: () => [
          file({ path: '/etc/app.conf', content: 'x', notify: 'restart' }),
          { ...file({ path: '/etc/other.conf', content: 'y' }), apply: () => [{ a: 'command', command: 'broken' }] },
        ],
        handlers: () => ({ restart: [{ a: 'command', command: 'restart app' }] }),
        verify: [page()],
      });
      h.script('broken', { exitCode: 2, stderr: 'no' }).script('restart app', {});
      const pb = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [failing] }] });
      const ran = await runWith(pb, inventory(['h1']), { drivers: new Map([['h1', h]]) });
      assert.deepEqual(h.commands, ['broken']);
      assert.deepEqual(ran.rec.of('gate'), []);
      assert.deepEqual([...h.runs.journal], ['app.restart'], 'the handler stays due');
    });
  });
}
