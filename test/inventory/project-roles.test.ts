/** The project's other roles, for an inventory shared by several playbooks: found above the playbook, loaded only when needed. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { definePlaybook } from '../../lib/dsl/playbook.js';
import { defineRole } from '../../lib/dsl/role.js';
import { otherRoles, rolesDir } from '../../lib/inventory/project-roles.js';

describe("the project's other roles", () => {
  let root: string;
  const loads = () => (globalThis as { tsplayProbeLoads?: number }).tsplayProbeLoads ?? 0;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'tsplay-project-'));
    const put = (path: string, text: string) => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    put('package.json', '{ "type": "module" }\n');
    put('roles/mail/index.js', "export default { name: 'mail', tags: ['mail'], defaults: { relay: 'smtp' }, resources: () => [] };\n");
    put('roles/web/index.js', "export default { name: 'web', tags: ['web'], defaults: { port: 80 }, resources: () => [] };\n");
    put('roles/probe/index.js', 'globalThis.tsplayProbeLoads = (globalThis.tsplayProbeLoads ?? 0) + 1;\nexport const notARole = 1;\n');
    put('roles/broken/index.js', "throw new Error('broken role module');\n");
    mkdirSync(join(root, 'playbooks', 'more'), { recursive: true });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const web = defineRole({ name: 'web', defaults: { port: 80 }, resources: () => [] });
  const pb = definePlaybook({ name: 'web', plays: [{ name: 'p', hosts: 'all', roles: [web] }] });

  it('roles/ is found in the nearest directory above the playbook that has one', () => {
    assert.equal(rolesDir(join(root, 'playbooks', 'more')), join(root, 'roles'));
    assert.equal(rolesDir(join(root, 'roles', 'mail')), join(root, 'roles'));
  });

  it("nothing is loaded while every plain inventory var is one the playbook's roles read", async () => {
    const roles = await otherRoles(join(root, 'playbooks/web.ts'), pb, { hosts: { h: { address: 'h', vars: { port: 1, web: { port: 2 } } } } });
    assert.deepEqual(roles, []);
    assert.equal(loads(), 0, 'roles/ was imported');
  });

  it("a var the playbook does not know: every role exported by roles/*/index, less the playbook's own; a module that throws is skipped", async () => {
    const roles = await otherRoles(join(root, 'playbooks/more/web.ts'), pb, { hosts: { h: { address: 'h' } }, vars: { relay: 'mx' } });
    assert.deepEqual(
      roles.map((r) => r.name),
      ['mail'],
    );
    assert.equal(loads(), 1);
  });
});
