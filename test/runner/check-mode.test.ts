import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { definePlaybook } from '../../lib/dsl/playbook.js';
import { defineRole } from '../../lib/dsl/role.js';
import { directory, file, restart, service, unit } from '../../lib/resources/index.js';
import { FakeHost } from '../../lib/testing/index.js';
import { fileRole, inventory, runWith } from './helpers.js';

const UNIT = '[Unit]\nDescription=app\n[Service]\nExecStart=/usr/local/bin/app\n[Install]\nWantedBy=multi-user.target\n';
const app = defineRole({
  name: 'app',
  defaults: {},
  resources: () => [
    directory({ path: '/opt/app' }),
    file({ path: '/opt/app/app.conf', content: 'port = 8080\n', notify: 'restart' }),
    file({ path: '/etc/motd', content: 'hello\n' }),
    unit({ name: 'app', content: UNIT }),
    service({ name: 'app', enabled: true }),
  ],
  handlers: () => ({ restart: restart('app') }),
});
const inv = inventory(['h1']);
const pb = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [app] }] });
const fresh = () => FakeHost.debian('h1').seedFile('/etc/motd', 'hello\n');

/** Everything a host holds, for before/after comparisons. */
const snapshot = (h: FakeHost) =>
  JSON.stringify({
    fs: [...h.fs.nodes].map(([p, n]) => [p, n.mode, n.owner, Buffer.from(n.content).toString('base64')]),
    svc: [...h.services],
    pk: [...h.installed],
    sc: [...h.sysctls],
  });

describe('check mode', () => {
  it('touches nothing: no action, no command, the same state', async () => {
    const h = fresh();
    const before = snapshot(h);
    const { stats } = await runWith(pb, inv, { drivers: new Map([['h1', h]]), mode: 'check' });
    assert.deepEqual(h.log, []);
    assert.deepEqual(h.commands, []);
    assert.equal(snapshot(h), before);
    assert.equal(h.roundTrips, 1, 'one query, nothing else');
    assert.deepEqual([stats.hosts.h1!.changed, stats.hosts.h1!.ok], [4, 1]);
  });

  it('reports would-change with the changes, and ok for what is converged', async () => {
    const { rec } = await runWith(pb, inv, { drivers: new Map([['h1', fresh()]]), mode: 'check' });
    assert.deepEqual(rec.resources(), [
      'h1 app directory:/opt/app would-change',
      'h1 app file:/opt/app/app.conf would-change',
      'h1 app file:/etc/motd ok',
      'h1 app unit:app.service would-change',
      'h1 app service:app.service would-change',
    ]);
    const conf = rec.of('resource').find((e) => e.resource === 'file:/opt/app/app.conf')!;
    assert.deepEqual(
      conf.changes.find((c) => c.field === 'content'),
      { field: 'content', diff: { before: '', after: 'port = 8080\n' } },
    );
    assert.deepEqual(rec.of('resource').find((e) => e.resource === 'service:app.service')!.changes, [
      { field: 'enabled', before: 'not-found', after: 'enabled' },
      { field: 'state', before: 'not-found', after: 'started' },
    ]);
    assert.equal(rec.of('run-end')[0]!.mode, 'check');
  });

  it('marks changes that read what an earlier would-change writes', async () => {
    const { rec } = await runWith(pb, inv, { drivers: new Map([['h1', fresh()]]), mode: 'check' });
    const deps = Object.fromEntries(rec.of('resource').map((e) => [e.resource, e.dependsOn ?? []]));
    assert.deepEqual(deps, {
      'directory:/opt/app': [],
      'file:/opt/app/app.conf': ['directory:/opt/app'],
      'file:/etc/motd': [],
      'unit:app.service': [],
      'service:app.service': ['unit:app.service'],
    });
  });

  it('marks dependencies on would-changes of an earlier role too', async () => {
    const units = defineRole({ name: 'units', defaults: {}, resources: () => [directory({ path: '/opt/app' }), unit({ name: 'app', content: UNIT })] });
    const svc = defineRole({ name: 'svc', defaults: {}, resources: () => [file({ path: '/opt/app/app.conf', content: 'x' }), service({ name: 'app' })] });
    const two = definePlaybook({
      name: 'pb',
      plays: [
        { name: 'p', hosts: 'all', roles: [units] },
        { name: 'q', hosts: 'all', roles: [svc] },
      ],
    });
    const { rec } = await runWith(two, inv, { drivers: new Map([['h1', fresh()]]), mode: 'check' });
    const deps = Object.fromEntries(rec.of('resource').map((e) => [e.resource, e.dependsOn ?? []]));
    assert.deepEqual(deps['file:/opt/app/app.conf'], ['directory:/opt/app']);
    assert.deepEqual(deps['service:app.service'], ['unit:app.service']);
  });

  it('no marks in apply mode, and none when the earlier resource would not change', async () => {
    const applied = await runWith(pb, inv, { drivers: new Map([['h1', fresh()]]) });
    assert.ok(applied.rec.of('resource').every((e) => e.dependsOn === undefined));
    const h = fresh().seedDir('/opt/app').seedUnit('app.service', UNIT);
    const { rec } = await runWith(pb, inv, { drivers: new Map([['h1', h]]), mode: 'check' });
    assert.deepEqual(
      rec.resources().filter((l) => l.endsWith('would-change')),
      ['h1 app file:/opt/app/app.conf would-change', 'h1 app service:app.service would-change'],
    );
    assert.ok(rec.of('resource').every((e) => e.dependsOn === undefined));
  });

  it('then apply converges and a second check finds nothing', async () => {
    const h = fresh();
    await runWith(pb, inv, { drivers: new Map([['h1', h]]) });
    assert.deepEqual(h.service('app.service'), { enabled: true, active: true });
    const { rec } = await runWith(definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [app, fileRole('x', {})] }] }), inv, {
      drivers: new Map([['h1', h]]),
      mode: 'check',
    });
    assert.ok(rec.of('resource').every((e) => e.status === 'ok'));
  });
});
