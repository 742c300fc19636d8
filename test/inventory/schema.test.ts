import assert from 'node:assert/strict';
import { ConfigError } from '../../lib/core/errors.js';
import { secret } from '../../lib/core/secret.js';
import { loadInventory } from '../../lib/inventory/index.js';
import { isAddress, validateInventory } from '../../lib/inventory/schema.js';

/** The message validateInventory throws for `spec`. */
function problem(spec: unknown): string {
  try {
    validateInventory(spec, 'inv.ts');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.message;
  }
  assert.fail('the spec was accepted');
}

const host = (address = '10.0.0.1') => ({ address });

describe('validateInventory', () => {
  it('accepts a full, valid inventory and returns it', () => {
    const spec = {
      hosts: {
        a: { address: '10.0.0.1', port: 2222, user: 'ops', key: 'id', transport: 'ssh', jump: 'b', becomePassword: secret('pw-123456'), vars: { x: 1 } },
        b: host('b.example.com'),
        localhost: {},
      },
      groups: { g: { hosts: ['a'], children: ['h'], vars: {} }, h: { hosts: ['b'] } },
      defaults: { port: 22, user: 'root', transport: 'fake', jump: 'b' },
      vars: { y: 2 },
    };
    assert.equal(validateInventory(spec, 'inv.ts').hosts.a?.port, 2222);
  });

  // [spec, exact message]: one row per kind of mistake.
  const rows: [string, unknown, string][] = [
    ['not an object', 5, 'inv.ts: expected an object: export default defineInventory({ hosts: {...} }), got 5'],
    ['no hosts', {}, 'inv.ts: hosts: expected an object of hosts: { name: { address, ... } }, got nothing'],
    [
      'a misspelt top-level field',
      { hosts: {}, grups: {} },
      'inv.ts: grups: unknown field (expected one of hosts, groups, defaults, vars). Did you mean "groups"?',
    ],
    [
      'a misspelt host field',
      { hosts: { a: { adress: '10.0.0.1' } } },
      'inv.ts: hosts.a.adress: unknown field (expected one of address, port, user, key, transport, jump, becomePassword, vars). Did you mean "address"?',
    ],
    [
      'a missing address',
      { hosts: { a: {}, localhost: {} } },
      'inv.ts: hosts.a.address: required: an IPv4/IPv6 address or DNS name (only "localhost" may leave it out)',
    ],
    [
      'a port out of range',
      { hosts: { a: { address: '10.0.0.1', port: 70000 } } },
      'inv.ts: hosts.a.port: expected a port number (an integer from 1 to 65535), got 70000',
    ],
    [
      'a port that is a string',
      { hosts: { a: { address: '10.0.0.1', port: '22' } } },
      'inv.ts: hosts.a.port: expected a port number (an integer from 1 to 65535), got "22"',
    ],
    [
      'a bad address',
      { hosts: { 'db.example.com': { address: '10.0.0.300' } } },
      'inv.ts: hosts["db.example.com"].address: expected an IPv4/IPv6 address or DNS name, got "10.0.0.300"',
    ],
    ['a bad transport', { hosts: { a: { address: 'a', transport: 'sssh' } } }, 'inv.ts: hosts.a.transport: expected "ssh", "local" or "fake", got "sssh"'],
    [
      'a user with a space',
      { hosts: { a: { address: 'a', user: 'r oot' } } },
      'inv.ts: hosts.a.user: expected a user name (no spaces, "@" or ":"), got "r oot"',
    ],
    ['vars that are not an object', { hosts: { a: host() }, vars: [1] }, 'inv.ts: vars: expected an object of vars, got an array'],
    [
      'a misspelt group field',
      { hosts: { a: host() }, groups: { g: { host: ['a'] } } },
      'inv.ts: groups.g.host: unknown field (expected one of hosts, children, vars). Did you mean "hosts"?',
    ],
    [
      'a misspelt defaults field',
      { hosts: { a: host() }, defaults: { usr: 'x' } },
      'inv.ts: defaults.usr: unknown field (expected one of port, user, key, transport, jump). Did you mean "user"?',
    ],
    [
      'an unknown host in a group',
      { hosts: { 'etcd-1': host(), 'etcd-2': host(), 'etcd-3': host() }, groups: { etcd: { hosts: ['etcd-1', 'etcd-2', 'etcd-4'] } } },
      'inv.ts: groups.etcd.hosts[2]: unknown host "etcd-4". Did you mean "etcd-1", "etcd-2" or "etcd-3"?',
    ],
    [
      'a group listed as a host',
      { hosts: { a: host() }, groups: { web: { hosts: ['a'] }, app: { hosts: ['web'] } } },
      'inv.ts: groups.app.hosts[0]: unknown host "web". "web" is a group: list it under children.',
    ],
    [
      'an unknown child group',
      { hosts: { a: host() }, groups: { masters: { hosts: ['a'] }, k8s: { children: ['mastres'] } } },
      'inv.ts: groups.k8s.children[0]: unknown group "mastres". Did you mean "masters"?',
    ],
    [
      'a host listed as a child',
      { hosts: { a: host() }, groups: { g: { children: ['a'] } } },
      'inv.ts: groups.g.children[0]: unknown group "a". "a" is a host: list it under hosts.',
    ],
    [
      'a group cycle',
      { hosts: { a: host() }, groups: { x: { children: ['y'] }, y: { children: ['z'] }, z: { children: ['x'] } } },
      'inv.ts: groups.x.children: group cycle: x -> y -> z -> x',
    ],
    ['a group that is its own child', { hosts: { a: host() }, groups: { x: { children: ['x'] } } }, 'inv.ts: groups.x.children: group cycle: x -> x'],
    [
      'a name both host and group',
      { hosts: { web: host() }, groups: { web: { hosts: ['web'] } } },
      'inv.ts: groups.web: "web" is both a host and a group; patterns could not tell them apart',
    ],
    [
      'a group named all',
      { hosts: { a: host() }, groups: { all: { vars: {} } } },
      'inv.ts: groups.all: "all" is built in (every host); put vars for all hosts in the top-level vars',
    ],
    [
      'a name with a pattern character',
      { hosts: { 'web:1': host() } },
      'inv.ts: hosts["web:1"]: invalid host name: use letters, digits, "_", "-" and "." (other characters have a meaning in host patterns)',
    ],
    [
      'an unknown jump host',
      { hosts: { bastion: host(), a: { address: 'a', jump: 'bastoin' } } },
      'inv.ts: hosts.a.jump: unknown jump host "bastoin". Did you mean "bastion"?',
    ],
    [
      'an unknown default jump host',
      { hosts: { bastion: host() }, defaults: { jump: 'bastio' } },
      'inv.ts: defaults.jump: unknown jump host "bastio". Did you mean "bastion"?',
    ],
    ['a host that jumps through itself', { hosts: { a: { address: 'a', jump: 'a' } } }, 'inv.ts: hosts.a.jump: a host cannot be its own jump host'],
    ['a jump cycle', { hosts: { a: { address: 'a', jump: 'b' }, b: { address: 'b', jump: 'a' } } }, 'inv.ts: hosts.a.jump: jump cycle: a -> b -> a'],
  ];
  for (const [what, spec, message] of rows) it(`rejects ${what}`, () => assert.equal(problem(spec), message));

  it('never shows a becomePassword value', () => {
    const msg = problem({ hosts: { a: { address: 'a', becomePassword: 123456789 } } });
    assert.equal(msg, 'inv.ts: hosts.a.becomePassword: expected a string');
  });

  it('reports every problem of a .js inventory, with the file name; names only once the shape is right', async () => {
    await assert.rejects(loadInventory('test/fixtures/inventory/typos.js'), {
      name: 'ConfigError',
      message: [
        'test/fixtures/inventory/typos.js: 2 problems in the inventory:',
        '  hosts.etcd-2.adress: unknown field (expected one of address, port, user, key, transport, jump, becomePassword, vars). Did you mean "address"?',
        '  hosts.etcd-3.port: expected a port number (an integer from 1 to 65535), got 0',
      ].join('\n'),
    });
  });
});

describe('isAddress', () => {
  const good = ['10.0.0.1', '255.255.255.255', 'fe80::1', '::1', '2001:db8::10', 'localhost', 'node-1', 'api.k8s.example.com'];
  const bad = ['10.0.0.256', '1.2.3', '-node', 'node_1', 'a..b', 'x y', '', `${'a'.repeat(64)}.com`];
  for (const a of good) it(`accepts ${a}`, () => assert.equal(isAddress(a), true));
  for (const a of bad) it(`rejects ${JSON.stringify(a)}`, () => assert.equal(isAddress(a), false));
});
