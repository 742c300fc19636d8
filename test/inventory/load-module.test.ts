import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../lib/core/errors.js';
import { importDefault } from '../../lib/inventory/load-module.js';

const fixtures = 'test/fixtures/inventory';

/** The ConfigError `importDefault` throws for `file`. */
async function failure(file: string, kind: 'inventory' | 'playbook' = 'inventory'): Promise<ConfigError> {
  try {
    await importDefault(file, kind);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return e;
  }
  assert.fail(`${file} loaded`);
}

describe('importDefault', () => {
  // Broken .ts sources cannot live in the type-checked tree: copy them to a temporary ESM folder.
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'tsplay-inventory-'));
    writeFileSync(join(tmp, 'package.json'), '{ "type": "module" }\n');
    for (const f of readdirSync(join(fixtures, 'broken'))) cpSync(join(fixtures, 'broken', f), join(tmp, f.replace(/\.txt$/, '')));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('returns the default export of a .ts module', async () => {
    const spec = (await importDefault(`${fixtures}/shop.ts`, 'inventory')) as { hosts: Record<string, unknown> };
    assert.deepEqual(Object.keys(spec.hosts).slice(0, 2), ['bastion', 'web-1']);
  });

  it('a missing file: did you mean a sibling', async () => {
    const e = await failure(`${fixtures}/shpo.ts`);
    assert.equal(e.message, `${fixtures}/shpo.ts: inventory file not found. Did you mean "${fixtures}/shop.ts"?`);
  });

  it('a missing directory is named', async () => {
    const e = await failure('inventroy/prod.ts', 'playbook');
    assert.equal(e.message, 'inventroy/prod.ts: playbook file not found (no directory inventroy).');
  });

  it('a directory is not a module', async () => {
    const e = await failure(fixtures);
    assert.equal(e.message, `${fixtures}: is a directory, expected an inventory file (.ts or .js)`);
  });

  it('a .ts syntax error: file:line:col from swc, with the code frame', async () => {
    const e = await failure(join(tmp, 'syntax.ts'));
    const [first, ...frame] = e.message.split('\n');
    assert.match(first!, new RegExp(`^${tmp}/syntax\\.ts:5:31: syntax error: Unexpected token \`,\``));
    assert.ok(
      frame.some((l) => l.includes("a: { address: '10.6.0.1' ,, },")),
      e.message,
    );
  });

  it('a .ts syntax error at the end of the file', async () => {
    const e = await failure(join(tmp, 'unclosed.ts'));
    assert.match(e.message, new RegExp(`^${tmp}/unclosed\\.ts:5:\\d+: syntax error: Unexpected token \`<eof>\``));
  });

  it('a syntax error in an imported file names that file', async () => {
    const e = await failure(join(tmp, 'uses-broken.ts'));
    assert.match(e.message, new RegExp(`^${tmp}/syntax\\.ts:5:31: syntax error`));
  });

  it('an import that does not resolve: the importing line', async () => {
    const e = await failure(join(tmp, 'imports-missing.ts'));
    assert.equal(e.message, `${tmp}/imports-missing.ts:4: cannot find ${tmp}/no-such-hosts.js, imported here`);
  });

  it('a .ts file outside an ESM package: Node reads it as CommonJS, the error says so', async () => {
    const cjs = mkdtempSync(join(tmpdir(), 'tsplay-inventory-cjs-'));
    try {
      cpSync(join(fixtures, 'commonjs', 'typed.ts.txt'), join(cjs, 'typed.ts'));
      const e = await failure(join(cjs, 'typed.ts'));
      assert.equal(
        e.message,
        `${cjs}/typed.ts:2: syntax error: Missing initializer in const declaration (Node loaded this .ts file as CommonJS: is there a package.json with "type": "module" above it?)`,
      );
    } finally {
      rmSync(cjs, { recursive: true, force: true });
    }
  });

  it('a .js syntax error: Node does not say where, the parser does', async () => {
    const e = await failure(`${fixtures}/syntax.js`);
    assert.equal(e.message, `${fixtures}/syntax.js:5:19: syntax error: Expression expected.`);
  });

  it('an exception while evaluating: the line of the file that threw', async () => {
    const e = await failure(`${fixtures}/throws.ts`);
    assert.equal(e.message, `${fixtures}/throws.ts:7:11: inventory threw while loading: TSPLAY_FIXTURE_SURELY_UNSET is not set`);
    assert.ok(e.cause instanceof Error);
  });

  it('no default export: what it does export and what is expected', async () => {
    const e = await failure(resolve(fixtures, 'no-default.ts'));
    assert.equal(
      e.message,
      `${fixtures}/no-default.ts: no default export (it exports "inventory"): expected \`export default defineInventory({ hosts: {...}, groups: {...} })\``,
    );
  });
});
