/**
 * The files `tsplay init` writes: a project whose own `npm test` passes at once. It depends on the tsplay that
 * made it (`file:` its package root, so `npm install` links it without the network), and its test loads the
 * TypeScript through that tsplay's own module hook (the one `tsplay run` uses). Pure: text in, text out.
 */

export interface InitFiles {
  /** The project's name (package.json), from its directory. */
  readonly name: string;
  /** tsplay's package root, as an absolute path. */
  readonly tsplayRoot: string;
}

export function initFiles({ name, tsplayRoot }: InitFiles): Record<string, string> {
  const pkg = {
    name,
    private: true,
    type: 'module',
    scripts: {
      test: 'node --import ./test/register.js --test test/*.test.ts',
      check: 'tsplay run playbook.ts -i inventory.ts --check',
    },
    dependencies: { tsplay: `file:${tsplayRoot}` },
  };
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      allowImportingTsExtensions: false,
    },
    include: ['*.ts', 'roles/**/*.ts', 'test/**/*.ts'],
  };
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(tsconfig, null, 2)}\n`,
    'inventory.ts': `/** The hosts: edit the addresses, add groups. \`npx tsplay run playbook.ts -i inventory.ts --check\` touches nothing. */
import { defineInventory } from 'tsplay';

export default defineInventory({
  defaults: { user: 'root' },
  hosts: {
    'web-1': { address: '192.0.2.10' },
  },
  groups: {
    web: { hosts: ['web-1'] },
  },
  vars: {
    motd: { message: 'Managed by tsplay' },
  },
});
`,
    'playbook.ts': `/** The plays: which roles run on which hosts. npx tsplay run playbook.ts -i inventory.ts */
import { definePlaybook } from 'tsplay';
import motd from './roles/motd/index.js';

export default definePlaybook({
  name: '${name}',
  plays: [{ name: 'message of the day', hosts: 'web', roles: [motd] }],
});
`,
    'roles/motd/index.ts': `/** motd: the message of the day, in /etc/motd. A role is typed vars with defaults, and resources built from them. */
import { defineRole, file } from 'tsplay';

export interface MotdVars {
  readonly message: string;
}

export default defineRole<MotdVars>({
  name: 'motd',
  defaults: { message: 'Welcome' },
  resources: (v, host) => [file({ path: '/etc/motd', content: \`\${v.message} (\${host.name})\\n\`, mode: 0o644 })],
});
`,
    'test/register.js': `// Loads the TypeScript of the tests, roles and playbooks through tsplay's own module hook (what \`tsplay run\` uses).
import { register } from 'node:module';

// (A path, not a package specifier: tsplay's package exports only its API.)
register(new URL('../node_modules/tsplay/lib/cli/ts-hooks.js', import.meta.url));
`,
    'test/motd.test.ts': `/** The motd role on a fake Debian host: check lists the change, apply converges, a second check finds nothing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Cluster, Host } from 'tsplay';
import { changedIds, converge, FakeHost } from 'tsplay/testing';
import motd from '../roles/motd/index.js';

test('motd converges on a fresh Debian host, then has nothing to do', async () => {
  const host = FakeHost.debian('web-1');
  const resources = motd.resources({ message: 'Hello' }, { name: 'web-1' } as Host, {} as Cluster);
  const { first, second } = await converge(host, resources);
  assert.deepEqual(changedIds(first), ['file:/etc/motd']);
  assert.equal(host.read('/etc/motd'), 'Hello (web-1)\\n');
  assert.deepEqual(changedIds(second), []);
});
`,
  };
}
