import assert from 'node:assert/strict';
import { ConfigError } from '../../lib/core/errors.js';
import { redact, Secret } from '../../lib/core/secret.js';
import { buildInventory } from '../../lib/inventory/build.js';
import { loadInventory } from '../../lib/inventory/index.js';

const byName = async (file: string) => {
  const inv = await loadInventory(file);
  return { inv, host: (n: string) => inv.hosts.find((h) => h.name === n)! };
};

describe('buildInventory', () => {
  it('fills in connection defaults: port 22, user root, transport ssh', () => {
    const inv = buildInventory({ hosts: { a: { address: '10.0.0.1' } } });
    const { name, address, port, user, transport, key, jump, groups, vars } = inv.hosts[0]!;
    assert.deepEqual(
      { name, address, port, user, transport, key, jump, groups, vars },
      {
        name: 'a',
        address: '10.0.0.1',
        port: 22,
        user: 'root',
        transport: 'ssh',
        key: undefined,
        jump: undefined,
        groups: ['all'],
        vars: {},
      },
    );
  });

  it('host settings beat the inventory defaults, which beat the built-in ones', async () => {
    const { host } = await byName('test/fixtures/inventory/shop.ts');
    assert.deepEqual([host('bastion').port, host('bastion').user, host('bastion').jump], [2222, 'deploy', undefined]);
    assert.deepEqual([host('web-1').port, host('web-1').user, host('web-1').jump], [22, 'deploy', 'bastion']);
    assert.deepEqual([host('cache-1').user, host('cache-1').transport, host('cache-1').address], ['cache', 'fake', 'fd00::31']);
  });

  it('a localhost with no address runs locally and jumps nowhere', () => {
    const inv = buildInventory({ hosts: { bastion: { address: 'b' }, localhost: {} }, defaults: { jump: 'bastion' } });
    const h = inv.hosts[1]!;
    assert.deepEqual([h.address, h.transport, h.jump], ['localhost', 'local', undefined]);
  });

  it('a localhost with an address is an ordinary host', () => {
    const h = buildInventory({ hosts: { localhost: { address: '127.0.0.1' } } }).hosts[0]!;
    assert.equal(h.transport, 'ssh');
  });

  it("groups hold their children's hosts, in inventory order, with `all` first", async () => {
    const { inv } = await byName('test/fixtures/inventory/shop.ts');
    assert.deepEqual(Object.fromEntries(inv.groups), {
      all: ['bastion', 'web-1', 'web-2', 'web-3', 'db-1', 'db-2', 'cache-1'],
      web: ['web-1', 'web-2', 'web-3'],
      db: ['db-1', 'db-2'],
      canary: ['web-2', 'db-2'],
      app: ['web-1', 'web-2', 'web-3', 'db-1', 'db-2'],
      backend: ['db-1', 'db-2', 'cache-1'],
    });
  });

  it('a host lists every group it is in, parents included, parents first', async () => {
    const { host } = await byName('test/fixtures/inventory/layers.ts');
    assert.deepEqual(host('a').groups, ['all', 'top', 'side', 'mid', 'leaf']);
    assert.deepEqual(host('b').groups, ['all', 'top']);
    assert.deepEqual(host('localhost').groups, ['all']);
  });

  it('vars: global < group (parents before children, then by depth) < host, merged shallowly', async () => {
    const { host } = await byName('test/fixtures/inventory/layers.ts');
    assert.deepEqual(host('a').vars, {
      who: 'host',
      depth: 3,
      nested: { x: 1 },
      global_only: 'g',
      side: true,
      leaf_only: 1,
      only_a: true,
    });
    assert.deepEqual(host('b').vars, { who: 'top', depth: 1, nested: { x: 1 }, global_only: 'g' });
    assert.deepEqual(host('localhost').vars, { who: 'global', depth: 0, nested: { x: 0, y: 0 }, global_only: 'g' });
  });

  it('the become password is a Secret that never prints', async () => {
    const { host } = await byName('test/fixtures/inventory/layers.ts');
    const pw = host('b').becomePassword;
    assert.ok(pw instanceof Secret);
    assert.equal(pw.reveal(), 'hunter2-correct-horse');
    assert.equal(JSON.stringify(host('b')).includes('hunter2'), false);
    assert.equal(redact('sudo: hunter2-correct-horse'), 'sudo: [secret]');
  });

  it("hosts are frozen: a role cannot change another role's view", () => {
    const h = buildInventory({ hosts: { a: { address: 'a', vars: { x: 1 } } } }).hosts[0]!;
    assert.throws(() => ((h.vars as Record<string, unknown>).x = 2), TypeError);
  });

  it('cluster.group: hosts of a group; did you mean for an unknown one', async () => {
    const { inv } = await byName('test/fixtures/inventory/shop.ts');
    assert.deepEqual(
      inv.cluster.group('db').map((h) => h.address),
      ['10.1.0.21', '10.1.0.22'],
    );
    assert.equal(inv.cluster.group('all').length, 7);
    assert.deepEqual(inv.cluster.vars, { domain: 'shop.example' });
    assert.throws(
      () => inv.cluster.group('dbs'),
      (e: unknown) => e instanceof ConfigError && e.message === 'cluster.group(): unknown group "dbs". Did you mean "db"?',
    );
  });
});
