/** The CLI's TypeScript hooks: .js specifiers find .ts files, swc output is cached and refreshed on change. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Hooks = {
  initialize(data?: { lib: { source: string; dist: string } }): void;
  resolve(specifier: string, context: { parentURL?: string }, next: (s: string, c: object) => Promise<{ url: string }>): Promise<{ url: string }>;
  load(url: string, context: object, next: (u: string, c: object) => Promise<{ source: string }>): Promise<{ format: string; source: string }>;
};

describe('CLI TypeScript hooks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-hooks-'));
  const cache = join(dir, 'cache');
  let hooks: Hooks;
  before(async () => {
    process.env.TSPLAY_TS_CACHE = cache;
    hooks = (await import(`../../lib/cli/ts-hooks.js?${Date.now()}`)) as unknown as Hooks;
  });
  after(() => {
    delete process.env.TSPLAY_TS_CACHE;
    rmSync(dir, { recursive: true, force: true });
  });
  const never = async () => {
    throw new Error('next() was not expected here');
  };

  it('resolves ./x.js to ./x.ts next to the importer, and leaves the rest to Node', async () => {
    writeFileSync(join(dir, 'x.ts'), 'export const x = 1;\n');
    const parentURL = pathToFileURL(join(dir, 'main.ts')).href;
    assert.equal((await hooks.resolve('./x.js', { parentURL }, never)).url, pathToFileURL(join(dir, 'x.ts')).href);
    // Absolute paths and file: URLs too (generated inventories import the DSL that way).
    assert.equal((await hooks.resolve(join(dir, 'x.js'), { parentURL }, never)).url, pathToFileURL(join(dir, 'x.ts')).href);
    assert.equal((await hooks.resolve(pathToFileURL(join(dir, 'x.js')).href, { parentURL }, never)).url, pathToFileURL(join(dir, 'x.ts')).href);
    const passed: string[] = [];
    await hooks.resolve('./y.js', { parentURL }, async (s) => (passed.push(s), { url: 'file:///y.js' }));
    await hooks.resolve('zod', { parentURL }, async (s) => (passed.push(s), { url: 'file:///zod.js' }));
    assert.deepEqual(passed, ['./y.js', 'zod']);
  });

  it('strips types with swc, caches the result, and transpiles again when the file changes', async () => {
    const file = join(dir, 'typed.ts');
    writeFileSync(file, 'import type { A } from "./a.js";\nexport const n: number = 1 as A;\n');
    const url = pathToFileURL(file).href;
    const first = await hooks.load(url, {}, never);
    assert.equal(first.format, 'module');
    assert.match(first.source, /export const n = 1;/);
    assert.doesNotMatch(first.source, /import type|: number/);
    const [entry] = readdirSync(cache);
    writeFileSync(join(cache, entry!), 'export const n = "from the cache";\n');
    assert.match((await hooks.load(url, {}, never)).source, /from the cache/);
    writeFileSync(file, 'export const n: number = 2;\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    assert.match((await hooks.load(url, {}, never)).source, /export const n = 2;/);
  });

  it('sends imports of lib/ to dist/ (lib/ compiled by tsc), however they are written, once the engine runs from it', async () => {
    const lib = { source: `${pathToFileURL(join(dir, 'lib')).href}/`, dist: 'file:///copy/lib/' };
    hooks.initialize({ lib });
    try {
      const parentURL = pathToFileURL(join(dir, 'roles', 'r', 'index.ts')).href;
      assert.equal((await hooks.resolve('../../lib/dsl/role.js', { parentURL }, never)).url, 'file:///copy/lib/dsl/role.js');
      assert.equal((await hooks.resolve(join(dir, 'lib', 'index.js'), { parentURL }, never)).url, 'file:///copy/lib/index.js');
      // A package self-reference resolves through package.json "exports" to lib/index.ts first.
      const viaExports = await hooks.resolve('tsplay', { parentURL }, async () => ({ url: `${lib.source}index.ts` }));
      assert.equal(viaExports.url, 'file:///copy/lib/index.js');
      const other = await hooks.resolve('zod', { parentURL }, async () => ({ url: 'file:///nm/zod/index.js' }));
      assert.equal(other.url, 'file:///nm/zod/index.js');
    } finally {
      hooks.initialize(undefined);
    }
  });

  it('hands JavaScript and other schemes to Node', async () => {
    const r = await hooks.load('file:///x.js', {}, async () => ({ source: 'js' }));
    assert.equal(r.source, 'js');
  });
});
