import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { z } from 'zod';
import { ConfigError } from '../../lib/core/errors.js';
import { definePlaybook, use } from '../../lib/dsl/playbook.js';
import { defineRole } from '../../lib/dsl/role.js';
import { file } from '../../lib/resources/index.js';
import { selector } from '../../lib/inventory/index.js';
import { compile, type CompileOptions } from '../../lib/runner/compile.js';
import { coerce } from '../../lib/runner/vars.js';
import { compileWith, inventory } from './helpers.js';

const defaults = { a: 'default', b: 'default', c: 'default', d: 'default', e: 'default', port: 2379, on: false, peers: [] as string[] };
const kv = defineRole({ name: 'kv', defaults, resources: (v) => [file({ path: '/etc/kv', content: JSON.stringify(v) })] });
const inv = inventory(['h1', 'h2'], {
  vars: { a: 'inventory', b: 'inventory', c: 'inventory', d: 'inventory' },
  hostVars: { h1: { kv: { b: 'scoped', c: 'scoped', d: 'scoped' } }, h2: { port: 70000 } },
});
const pb = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [use(kv, { c: 'play', d: 'play' })] }] });
const varsOn = (host: string, extraVars: Record<string, string> = {}, p = pb) => compileWith(p, inv, { extraVars })[0]!.roles[0]!.perHost.get(host)!.vars;

describe('vars', () => {
  it('defaults < inventory flat < inventory scoped under the role name < play override < -e', () => {
    const v = varsOn('h1', { d: 'extra' });
    assert.deepEqual([v.a, v.b, v.c, v.d, v.e], ['inventory', 'scoped', 'play', 'extra', 'default']);
    assert.equal(varsOn('h2').b, 'inventory');
  });

  it('-e values take the type of the default', () => {
    const v = varsOn('h1', { port: '8080', on: 'yes', peers: '["a","b"]' });
    assert.deepEqual([v.port, v.on, v.peers], [8080, true, ['a', 'b']]);
  });

  it('a bad -e value names the var and what was expected', () => {
    assert.throws(
      () => varsOn('h1', { port: 'eighty' }),
      (e: unknown) => e instanceof ConfigError && e.message === '-e port: expected a number, got "eighty"',
    );
    assert.throws(
      () => varsOn('h1', { on: 'maybe' }),
      (e: unknown) => e instanceof ConfigError && /^-e on: expected true or false/.test(e.message),
    );
    assert.throws(
      () => varsOn('h1', { peers: '[a' }),
      (e: unknown) => e instanceof ConfigError && /^-e peers: expected JSON \(an array\)/.test(e.message),
    );
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
      name: 'kv',
      defaults,
      schema: z.object({
        a: z.string(),
        b: z.string(),
        c: z.string(),
        d: z.string(),
        e: z.string(),
        port: z.number().int().max(65535),
        on: z.boolean(),
        peers: z.array(z.string()),
      }),
      resources: () => [file({ path: '/etc/kv', content: '' })],
    });
    const p = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [strict] }] });
    assert.throws(
      () => compileWith(p, inv),
      (e: unknown) => e instanceof ConfigError && /^role kv on h2: var port: .*65535/.test(e.message),
    );
    const h1 = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'h1', roles: [strict] }] });
    assert.throws(
      () => compileWith(h1, inv, { extraVars: { port: '99999' } }),
      (e: unknown) => e instanceof ConfigError && /var port/.test(e.message),
    );
    assert.equal(compileWith(h1, inv)[0]!.roles[0]!.perHost.get('h1')!.vars.port, 2379);
  });
});

describe('vars that nothing reads are refused before any host is touched', () => {
  // A role that reads a shared (inventory-wide) var besides its own, as the Kubernetes roles read the cluster's.
  const web = defineRole({
    name: 'web',
    defaults: { port: 80, title: 'x' },
    sharedVars: ['service_cidr'],
    resources: () => [file({ path: '/etc/web', content: '' })],
  });
  const db = defineRole({ name: 'db', defaults: { db_port: 5432 }, resources: () => [file({ path: '/etc/db', content: '' })] });
  /** A role of another playbook of the project (CompileOptions.otherRoles). */
  const mail = defineRole({ name: 'mail', defaults: { relay: 'smtp' }, resources: () => [] });
  const play = definePlaybook({
    name: 'site',
    plays: [
      { name: 'web', hosts: 'all', roles: [web] },
      { name: 'db', hosts: 'h1', roles: [db] },
    ],
  });
  type Spec = Parameters<typeof inventory>[1];
  const run = (spec: Spec, o: Partial<CompileOptions> = {}, p = play) =>
    compile(p, selector(inventory(['h1', 'h2'], spec)), { tags: [], skipTags: [], extraVars: {}, playbook: 'playbooks/site.ts', ...o });
  const refused = (spec: Spec, message: RegExp, o: Partial<CompileOptions> = {}, p = play) =>
    assert.throws(
      () => run(spec, o, p),
      (e: unknown) => (e instanceof ConfigError && message.test(e.message) ? true : assert.fail(String(e))),
    );

  it('a play override the role does not have: the playbook, play and role named, with did-you-mean', () => {
    const typo = definePlaybook({ name: 'site', plays: [{ name: 'web', hosts: 'all', roles: [use(web, { prot: 9090 } as never)] }] });
    refused({}, /^playbooks\/site\.ts: play 1 "web", role web: role web has no var "prot"\. Did you mean "port"\?$/, {}, typo);
    const shared = definePlaybook({ name: 'site', plays: [{ name: 'web', hosts: 'all', roles: [use(web, { service_cidr: '10.0.0.0/8' } as never)] }] });
    refused({}, /role web has no var "service_cidr"\. It is read from the inventory/, {}, shared);
  });

  it('-e: a var no role can take from the command line, with did-you-mean; a shared var says where it goes', () => {
    refused({}, /^-e prot: no role in this playbook has a var "prot"\. Did you mean "port"\?$/, { extraVars: { prot: '1' } });
    refused({}, /^-e service_cidr: .*It is read from the inventory/, { extraVars: { service_cidr: '10.0.0.0/8' } });
  });

  it('a plain inventory var no role reads: the file, where in it and the key, with did-you-mean', () => {
    refused({ vars: { prot: 9090 } }, /^the inventory: global vars: unknown var "prot" \(no role of this playbook reads it\)\. Did you mean "port"\?$/);
    refused({ groups: { g: { hosts: ['h2'], vars: { titel: 'x' } } } }, /^the inventory: group g: unknown var "titel".*Did you mean "title"\?$/);
    refused({ hostVars: { h1: { db_prot: 1 } } }, /^the inventory: host h1: unknown var "db_prot".*Did you mean "db_port"\?$/);
    // Every problem at once, in inventory order.
    refused(
      { vars: { prot: 1 }, hostVars: { h2: { titel: 'x' } } },
      /^the inventory: 2 unknown vars:\n {2}global vars: unknown var "prot".*\n {2}host h2: unknown var "titel"/,
    );
  });

  it('plain vars any role of the playbook reads pass, shared ones included, on any host', () => {
    const plays = run({ vars: { port: 81, service_cidr: '10.96.0.0/12' }, hostVars: { h2: { db_port: 1 } } });
    assert.equal(plays[0]!.roles[0]!.perHost.get('h1')!.vars.port, 81);
  });

  it("vars under a role's name are that role's own: a misspelt one, another role's, a shared one, or no object are refused", () => {
    refused({ hostVars: { h1: { web: { prot: 9090 } } } }, /^the inventory: host h1: web\.prot: role web has no var "prot"\. Did you mean "port"\?$/);
    refused(
      { vars: { web: { db_port: 1 } } },
      /global vars: web\.db_port: role web has no var "db_port"\. "db_port" is read by role db: set it at the top level or under db\.$/,
    );
    refused(
      { vars: { db: { service_cidr: '10.0.0.0/8' } } },
      /db\.service_cidr: role db has no var "service_cidr"\. "service_cidr" is read by role web: set it at the top level\.$/,
    );
    refused(
      { vars: { web: { service_cidr: '10.0.0.0/8' } } },
      /web\.service_cidr: role web has no var "service_cidr"\. "service_cidr" is a shared var: set it at the top level/,
    );
    refused({ vars: { web: 'x' } }, /global vars: web: expected an object of role web's vars/);
    assert.equal(run({ hostVars: { h1: { web: { port: 81 } } } })[0]!.roles[0]!.perHost.get('h1')!.vars.port, 81);
  });

  it("an inventory shared with other playbooks: their roles' vars, plain or under their names, pass; a var no role of the project reads does not", () => {
    const shared = { vars: { relay: 'mx', mail: { anything: 1 } } };
    refused(shared, /global vars: unknown var "relay" \(no role of this playbook reads it\)/);
    run(shared, { otherRoles: [mail] });
    refused({ vars: { rely: 'mx' } }, /unknown var "rely" \(no role of this playbook or of the project reads it\)\. Did you mean "relay"\?/, {
      otherRoles: [mail],
    });
  });
});
