/** The project's other roles as `tsplay run` asks for them: what the unknown-var check reads of them kept on disk, used while nothing they import changed. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedOtherRoles, type OtherRolesCache } from '../../lib/cli/other-roles.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import { definePlaybook } from '../../lib/dsl/playbook.js';
import { defineRole, varsRead, type Role } from '../../lib/dsl/role.js';

describe("the project's other roles, cached between runs", () => {
  let root: string;
  let cache: OtherRolesCache & { dir: string; stamp: string };
  const put = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  /** A file edited later: its mtime moves on (a second ahead, so no clock granularity hides it). */
  const touch = (path: string) => {
    const later = new Date(Date.now() + 1000);
    utimesSync(join(root, path), later, later);
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tsplay-other-roles-'));
    put('package.json', '{ "type": "module" }\n');
    put('shared/relay.js', "export const relayDefault = 'smtp';\n");
    put(
      'roles/mail/index.js',
      "import { relayDefault } from '../../shared/relay.js';\nexport default { name: 'mail', tags: ['mail'], defaults: { relay: relayDefault }, sharedVars: ['domain'], resources: () => [] };\n",
    );
    put('roles/web/index.js', "export default { name: 'web', tags: ['web'], defaults: { port: 80 }, resources: () => [] };\n");
    put('build/.built', 'built\n');
    cache = { dir: join(root, 'cache'), stamp: join(root, 'build/.built') };
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const web = defineRole({ name: 'web', defaults: { port: 80 }, resources: () => [] });
  const pb = definePlaybook({ name: 'web', plays: [{ name: 'p', hosts: 'all', roles: [web] }] });
  const inv: InventorySpec = { hosts: { h: { address: 'h' } }, vars: { relay: 'mx' } };
  const playbook = () => join(root, 'playbooks/web.ts');
  const shape = (roles: readonly Role<object>[]) => roles.map((r) => [r.name, varsRead(r)]);
  /** A role from the cache is a stand-in (resources() builds nothing), not the module's own object. */
  const fromCache = (roles: readonly Role<object>[]) => roles.every((r) => !('sharedVars' in r));

  it('the first run loads the roles and keeps their names and vars; the next one answers from the cache, the same names and vars', async () => {
    const first = await cachedOtherRoles(playbook(), pb, inv, cache);
    assert.deepEqual(shape(first), [['mail', ['relay', 'domain']]]);
    assert.ok(!fromCache(first));
    assert.equal(readdirSync(cache.dir).length, 1);
    const second = await cachedOtherRoles(playbook(), pb, inv, cache);
    assert.deepEqual(shape(second), shape(first));
    assert.ok(fromCache(second));
    assert.deepEqual(second[0]!.resources({}, { name: 'h' } as never, {} as never), []);
  });

  for (const [what, change] of [
    ["a role's module is edited", () => touch('roles/mail/index.js')],
    ['a module a role imports from outside roles/ is edited', () => touch('shared/relay.js')],
    ['a role is added', () => put('roles/db/index.js', "export default { name: 'db', tags: ['db'], defaults: {}, resources: () => [] };\n")],
    ['a file is added to a role', () => put('roles/mail/extra.js', 'export {};\n')],
    ['the engine is built again', () => put('build/.built', 'built again\n')],
  ] as const) {
    it(`${what}: the roles are loaded again`, async () => {
      await cachedOtherRoles(playbook(), pb, inv, cache);
      change();
      const again = await cachedOtherRoles(playbook(), pb, inv, cache);
      assert.ok(!fromCache(again), 'answered from a stale cache');
      assert.ok(fromCache(await cachedOtherRoles(playbook(), pb, inv, cache)), 'the entry was not renewed');
    });
  }

  it('no build stamp (the engine runs from its sources): the roles are loaded every time and nothing is written', async () => {
    const noStamp = { ...cache, stamp: join(root, 'no-such-stamp') };
    await cachedOtherRoles(playbook(), pb, inv, noStamp);
    assert.ok(!fromCache(await cachedOtherRoles(playbook(), pb, inv, noStamp)));
    assert.ok(!existsSync(cache.dir));
  });

  it("every plain var is the playbook's own: nothing loaded, nothing written (as otherRoles)", async () => {
    assert.deepEqual(await cachedOtherRoles(playbook(), pb, { hosts: { h: { address: 'h', vars: { port: 1 } } } }, cache), []);
    assert.ok(!existsSync(cache.dir));
  });

  it('an entry that does not parse is made again', async () => {
    await cachedOtherRoles(playbook(), pb, inv, cache);
    const [entry] = readdirSync(cache.dir);
    writeFileSync(join(cache.dir, entry!), '{"inputs": [');
    assert.ok(!fromCache(await cachedOtherRoles(playbook(), pb, inv, cache)));
    assert.ok(fromCache(await cachedOtherRoles(playbook(), pb, inv, cache)));
  });

  it('a playbook with other roles of its own has an entry of its own (the other roles are those it does not run)', async () => {
    const mail = defineRole({ name: 'mail', defaults: { relay: 'x' }, resources: () => [] });
    const both = definePlaybook({ name: 'both', plays: [{ name: 'p', hosts: 'all', roles: [web, mail] }] });
    await cachedOtherRoles(playbook(), pb, inv, cache);
    assert.deepEqual(await cachedOtherRoles(playbook(), both, { ...inv, vars: { nobody: 1 } }, cache), []);
  });
});
