import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { ConfigError } from '../../lib/core/errors.js';
import { definePlaybook, use } from '../../lib/dsl/playbook.js';
import { defineRole } from '../../lib/dsl/role.js';
import { file, restart } from '../../lib/resources/index.js';
import { compileWith, fileRole, fleet, inventory, perHost, runWith } from './helpers.js';

const inv = inventory(['web-1', 'web-2', 'web-3', 'db-1'], { groups: { web: { hosts: ['web-1', 'web-2', 'web-3'] }, db: { hosts: ['db-1'] } } });
const motd = fileRole('motd', { '/etc/motd': 'hi\n' });
const config = (message: RegExp) => (e: unknown) => e instanceof ConfigError && message.test(e.message);

describe('compile: hosts', () => {
  it('selects hosts by pattern, then narrows them with --limit, keeping inventory order', () => {
    const pb = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'db:web:!web-2', roles: [motd] }] });
    assert.deepEqual(
      compileWith(pb, inv)[0]!.hosts.map((h) => h.name),
      ['web-1', 'web-3', 'db-1'],
    );
    assert.deepEqual(
      compileWith(pb, inv, { limit: 'web-*' })[0]!.hosts.map((h) => h.name),
      ['web-1', 'web-3'],
    );
    assert.deepEqual(perHost(compileWith(pb, inv, { limit: 'db' })), [{ motd: ['db-1'] }]);
  });

  it('an unknown group in a play or in --limit is a ConfigError with did-you-mean', () => {
    const pb = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'wbe', roles: [motd] }] });
    assert.throws(() => compileWith(pb, inv), config(/unknown host or group "wbe".*Did you mean .*"web"/));
    const ok = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [motd] }] });
    assert.throws(() => compileWith(ok, inv, { limit: 'db-2' }), config(/^--limit: unknown host or group "db-2".*Did you mean "db-1"/));
  });
});

describe('compile: bad input fails before any host is touched', () => {
  const roleWithTags = defineRole({
    name: 'etcd',
    tags: ['kv'],
    defaults: { port: 2379, name: 'etcd' },
    resources: (v) => [file({ path: `/etc/${v.name}.conf`, content: `${v.port}`, tags: ['etcd-config'] })],
  });
  const pb = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [roleWithTags, motd] }] });

  it('an unknown tag: ConfigError with did-you-mean, no connect, no round trip', async () => {
    const hosts = fleet(['web-1', 'web-2', 'web-3', 'db-1']);
    let connects = 0;
    await assert.rejects(
      runWith(pb, inv, {
        drivers: hosts,
        tags: ['etcd-confg'],
        connect: async () => {
          connects++;
          throw new Error('touched');
        },
      }),
      config(/^--tags: unknown tag "etcd-confg"\. Did you mean "etcd-config"/),
    );
    await assert.rejects(runWith(pb, inv, { drivers: hosts, skipTags: ['motdd'] }), config(/unknown tag "motdd".*"motd"/));
    assert.equal(connects, 0);
    for (const h of hosts.values()) assert.equal(h.roundTrips, 0);
    // role tags, role names and resource tags are all known; all and never are always known
    assert.doesNotThrow(() => compileWith(pb, inv, { tags: ['kv', 'etcd', 'motd', 'etcd-config', 'all', 'never'] }));
  });

  it('an unknown -e var: ConfigError naming it, with did-you-mean', () => {
    assert.throws(
      () => compileWith(pb, inv, { extraVars: { prot: '1' } }),
      config(/^-e prot: no role in this playbook has a var "prot"\. Did you mean "port"\?/),
    );
  });

  it('two resources with one id in a role', () => {
    const twice = defineRole({
      name: 'twice',
      defaults: {},
      resources: () => [file({ path: '/etc/a', content: '1' }), file({ path: '/etc/a', content: '2' })],
    });
    const p = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'db-1', roles: [twice] }] });
    assert.throws(() => compileWith(p, inv), config(/^role twice on db-1: two resources have the id "file:\/etc\/a"/));
  });

  it('a notify of a handler the role does not have, with did-you-mean', () => {
    const r = defineRole({
      name: 'svc',
      defaults: {},
      resources: () => [file({ path: '/etc/svc.conf', content: 'x', notify: 'restart svcc' })],
      handlers: () => ({ 'restart svc': restart('svc') }),
    });
    const p = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'db-1', roles: [r] }] });
    assert.throws(() => compileWith(p, inv), config(/file:\/etc\/svc\.conf notifies unknown handler "restart svcc"\. Did you mean "restart svc"\?/));
  });
});

describe('compile: runOnce and when', () => {
  const other = fileRole('other', { '/etc/other': 'x' });

  it('runOnce on a role use: the first host of the (limited) selection only', () => {
    const pb = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'web', roles: [use(motd, {}, { runOnce: true }), other] }] });
    assert.deepEqual(perHost(compileWith(pb, inv)), [{ motd: ['web-1'], other: ['web-1', 'web-2', 'web-3'] }]);
    assert.deepEqual(perHost(compileWith(pb, inv, { limit: '!web-1' })), [{ motd: ['web-2'], other: ['web-2', 'web-3'] }]);
  });

  it('runOnce on a play: every role on the first host only', () => {
    const pb = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'web', runOnce: true, roles: [motd, other] }] });
    const [play] = compileWith(pb, inv);
    assert.deepEqual(
      play!.hosts.map((h) => h.name),
      ['web-1'],
    );
    assert.deepEqual(perHost([play!]), [{ motd: ['web-1'], other: ['web-1'] }]);
  });

  it('when: only hosts for which it is true', () => {
    const pb = definePlaybook({
      name: 'pb',
      plays: [{ name: 'p', hosts: 'all', roles: [use(motd, {}, { when: (h) => h.groups.includes('db') || h.name === 'web-2' })] }],
    });
    assert.deepEqual(perHost(compileWith(pb, inv)), [{ motd: ['web-2', 'db-1'] }]);
  });

  it('runOnce with when: the first host `when` accepts', () => {
    const pb = definePlaybook({
      name: 'pb',
      plays: [{ name: 'p', hosts: 'all', roles: [use(motd, {}, { runOnce: true, when: (h) => h.groups.includes('db') })] }],
    });
    assert.deepEqual(perHost(compileWith(pb, inv)), [{ motd: ['db-1'] }]);
  });
});

describe('compile: resources are built once per host', () => {
  it("each role's resources() runs once per host of the play, --limit and --tags included, and a tag only a host outside --limit builds is known", () => {
    const calls: string[] = [];
    const role = defineRole({
      name: 'counted',
      defaults: {},
      resources: (_v, host) => {
        calls.push(host.name);
        return [file({ path: '/etc/x', content: 'x', tags: host.name === 'db-1' ? ['db-only'] : ['web'] })];
      },
    });
    const pb = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [role] }] });
    compileWith(pb, inv, { tags: ['web'] });
    assert.deepEqual(calls.sort(), ['db-1', 'web-1', 'web-2', 'web-3']);
    calls.length = 0;
    assert.deepEqual(perHost(compileWith(pb, inv, { limit: 'web', tags: ['db-only'] })), [{ counted: [] }]);
    assert.deepEqual(calls.sort(), ['db-1', 'web-1', 'web-2', 'web-3']);
  });
});
