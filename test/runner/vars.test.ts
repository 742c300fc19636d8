import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { z } from 'zod';
import { ConfigError } from '../../lib/core/errors.js';
import { definePlaybook, use } from '../../lib/dsl/playbook.js';
import { defineRole } from '../../lib/dsl/role.js';
import { file } from '../../lib/resources/index.js';
import { coerce } from '../../lib/runner/vars.js';
import { compileWith, inventory } from './helpers.js';

const defaults = { a: 'default', b: 'default', c: 'default', d: 'default', e: 'default', port: 2379, on: false, peers: [] as string[] };
const kv = defineRole({ name: 'kv', defaults, resources: (v) => [file({ path: '/etc/kv', content: JSON.stringify(v) })] });
const inv = inventory(['h1', 'h2'], {
  vars: { a: 'inventory', b: 'inventory', c: 'inventory', d: 'inventory', undeclared: 'x' },
  hostVars: { h1: { kv: { b: 'scoped', c: 'scoped', d: 'scoped' } }, h2: { port: 70000 } },
});
const pb = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [use(kv, { c: 'play', d: 'play' })] }] });
const varsOn = (host: string, extraVars: Record<string, string> = {}, p = pb) => compileWith(p, inv, { extraVars })[0]!.roles[0]!.perHost.get(host)!.vars;

describe('vars', () => {
  it('defaults < inventory flat < inventory scoped under the role name < play override < -e', () => {
    const v = varsOn('h1', { d: 'extra' });
    assert.deepEqual([v.a, v.b, v.c, v.d, v.e], ['inventory', 'scoped', 'play', 'extra', 'default']);
    assert.equal(varsOn('h2').b, 'inventory');
    assert.ok(!('undeclared' in v), 'only keys the role declares come from the inventory');
  });

  it('-e values take the type of the default', () => {
    const v = varsOn('h1', { port: '8080', on: 'yes', peers: '["a","b"]' });
    assert.deepEqual([v.port, v.on, v.peers], [8080, true, ['a', 'b']]);
  });

  it('a bad -e value names the var and what was expected', () => {
    assert.throws(() => varsOn('h1', { port: 'eighty' }), (e: unknown) => e instanceof ConfigError && e.message === '-e port: expected a number, got "eighty"');
    assert.throws(() => varsOn('h1', { on: 'maybe' }), (e: unknown) => e instanceof ConfigError && /^-e on: expected true or false/.test(e.message));
    assert.throws(() => varsOn('h1', { peers: '[a' }), (e: unknown) => e instanceof ConfigError && /^-e peers: expected JSON \(an array\)/.test(e.message));
  });

  it('coerce() table', () => {
    assert.equal(coerce('0', 1, 'x'), 0);
    assert.equal(coerce('no', true, 'x'), false);
    assert.equal(coerce('text', 'str', 'x'), 'text');
    assert.deepEqual(coerce('{"k":1}', {}, 'x'), { k: 1 });
    assert.throws(() => coerce(' ', 1, 'x'), ConfigError);
  });

  it("a role's zod schema rejects a bad var with the field, role and host named", () => {
    const strict = defineRole({
      name: 'kv', defaults, schema: z.object({ a: z.string(), b: z.string(), c: z.string(), d: z.string(), e: z.string(), port: z.number().int().max(65535), on: z.boolean(), peers: z.array(z.string()) }),
      resources: () => [file({ path: '/etc/kv', content: '' })],
    });
    const p = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [strict] }] });
    assert.throws(() => compileWith(p, inv), (e: unknown) => e instanceof ConfigError && /^role kv on h2: var port: .*65535/.test(e.message));
    const h1 = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'h1', roles: [strict] }] });
    assert.throws(() => compileWith(h1, inv, { extraVars: { port: '99999' } }), (e: unknown) => e instanceof ConfigError && /var port/.test(e.message));
    assert.equal(compileWith(h1, inv)[0]!.roles[0]!.perHost.get('h1')!.vars.port, 2379);
  });
});
