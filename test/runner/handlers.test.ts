import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { Action } from '../../lib/core/ops.js';
import { definePlaybook } from '../../lib/dsl/playbook.js';
import { defineRole } from '../../lib/dsl/role.js';
import { file } from '../../lib/resources/index.js';
import { FakeHost } from '../../lib/testing/index.js';
import { fileRole, inventory, runWith } from './helpers.js';

const cmd = (command: string): Action => ({ a: 'command', command });
const app = defineRole({
  name: 'app',
  defaults: {},
  resources: () => [
    file({ path: '/etc/app/a.conf', content: 'a', notify: ['reload app'] }),
    file({ path: '/etc/app/b.conf', content: 'b', notify: ['restart app', 'reload app'] }),
    file({ path: '/etc/app/c.conf', content: 'c', notify: 'flush cache' }),
  ],
  // declared order: restart before reload, whatever order the notifications came in
  handlers: () => ({ 'restart app': [cmd('restart app')], 'reload app': [cmd('reload app')], 'flush cache': [cmd('flush cache')], unused: [cmd('unused')] }),
});
const next = fileRole('next', { '/etc/next': 'n' });
const pb = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [app, next] }] });
const inv = inventory(['h1', 'h2']);

function hosts(): Map<string, FakeHost> {
  return new Map(
    ['h1', 'h2'].map((n) => {
      const h = FakeHost.debian(n).seedDir('/etc/app').seedFile('/etc/app/c.conf', 'c');
      for (const c of ['restart app', 'reload app', 'flush cache', 'unused']) h.script(c, {});
      return [n, h];
    }),
  );
}

describe('handlers', () => {
  it('run once per host, after the role and before the next, only when a notifying resource changed, in declared order', async () => {
    const drivers = hosts();
    const { rec } = await runWith(pb, inv, { drivers });
    for (const [name, h] of drivers) {
      assert.deepEqual(h.commands, ['restart app', 'reload app'], name);
      const kinds = h.log.map((a) => (a.a === 'command' ? a.command : a.a === 'write' ? a.path : a.a));
      assert.deepEqual(kinds, ['/etc/app/a.conf', '/etc/app/b.conf', 'restart app', 'reload app', '/etc/next']);
    }
    assert.deepEqual(
      rec
        .of('handler')
        .map((e) => `${e.host} ${e.role} ${e.handler} ${e.status}`)
        .sort(),
      ['h1 app reload app changed', 'h1 app restart app changed', 'h2 app reload app changed', 'h2 app restart app changed'],
    );
  });

  it('ride along with the apply: no round trip of their own', async () => {
    const drivers = hosts();
    const { rec, stats } = await runWith(pb, inv, { drivers });
    const appEnd = rec.of('role-end').find((e) => e.host === 'h1' && e.role === 'app')!;
    assert.equal(appEnd.roundTrips, 2, 'query + act (the changes, then the handlers)');
    assert.equal(stats.hosts.h1!.roundTrips, 2 + 2);
  });

  it('due from an earlier run with nothing to apply now: one round trip of their own', async () => {
    const drivers = hosts();
    await runWith(pb, inv, { drivers });
    const h = drivers.get('h1')!;
    h.runs.journal.add('app.restart%20app');
    h.commands.length = 0;
    const { rec } = await runWith(pb, inv, { drivers, limit: 'h1' });
    assert.deepEqual(h.commands, ['restart app']);
    assert.equal(rec.of('role-end').find((e) => e.role === 'app')!.roundTrips, 2, 'query + handlers');
  });

  it('do not run when nothing that notifies them changed', async () => {
    const drivers = hosts();
    await runWith(pb, inv, { drivers });
    for (const h of drivers.values()) h.commands.length = 0;
    const { rec } = await runWith(pb, inv, { drivers });
    assert.deepEqual(rec.of('handler'), []);
    for (const h of drivers.values()) assert.deepEqual(h.commands, []);
  });

  it('check mode: reported as would-change, not run, nothing touched', async () => {
    const drivers = hosts();
    const { rec } = await runWith(pb, inv, { drivers, mode: 'check' });
    assert.deepEqual(
      rec
        .of('handler')
        .filter((e) => e.host === 'h1')
        .map((e) => `${e.handler} ${e.status}`)
        .sort(),
      ['reload app would-change', 'restart app would-change'],
    );
    for (const h of drivers.values()) assert.deepEqual([h.log, h.commands], [[], []]);
  });

  it('a failing handler fails the host, names the handler and its stderr; later handlers and roles do not run', async () => {
    const drivers = hosts();
    drivers.get('h1')!.script('restart app', { exitCode: 3, stderr: 'app: bad config' });
    const { rec, stats } = await runWith(pb, inv, { drivers });
    assert.deepEqual(drivers.get('h1')!.commands, ['restart app']);
    assert.deepEqual(
      rec
        .of('handler')
        .filter((e) => e.host === 'h1')
        .map((e) => [e.handler, e.status, e.error]),
      [['restart app', 'failed', 'app: bad config']],
    );
    const failed = rec.of('host-failed');
    assert.equal(failed.length, 1);
    assert.match(failed[0]!.error, /handler:restart app: exited 3: app: bad config/);
    assert.equal(drivers.get('h1')!.read('/etc/next'), undefined);
    assert.equal(drivers.get('h2')!.read('/etc/next'), 'n');
    assert.ok(stats.hosts.h1!.failed > 0 && stats.hosts.h2!.failed === 0);
  });

  it('do not run when the role failed to apply', async () => {
    const drivers = hosts();
    drivers.get('h1')!.fs.remove('/etc/app');
    const { rec } = await runWith(pb, inv, { drivers });
    assert.deepEqual(
      rec.of('handler').filter((e) => e.host === 'h1'),
      [],
    );
    assert.deepEqual(drivers.get('h1')!.commands, []);
  });
});
