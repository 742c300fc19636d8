/** The native mirror of the user's modules (lib/cli/user-mirror.ts): fresh, rebuilt on any change, refused when unsure. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { moduleImports } from '../../lib/cli/import-walk.js';
import { type Transpile, userMirror } from '../../lib/cli/user-mirror.js';

describe('user-mirror: the user modules Node loads natively', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-mirror-'));
  const src = join(dir, 'project');
  const dist = join(dir, 'engine', 'dist');
  const engineLib = join(dir, 'engine', 'lib/');
  let real: Transpile;
  let transpiled: string[] = [];
  const transpile: Transpile = (path, st, meta) => (transpiled.push(path), real(path, st, meta));
  const mirror = (stamp = 'build 1') => userMirror({ stamp, dist, engineLib, transpile, dir: join(dir, 'mirror') })!;
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(src, rel)), { recursive: true });
    writeFileSync(join(src, rel), text);
  };
  /** What `expr` is, as JSON, in a plain `node` (no loader, as the CLI runs) that imported `urls` as m0, m1, ... */
  const evaluate = (urls: readonly string[], expr: string): unknown => {
    const imports = urls.map((u, i) => `const m${i} = await import(${JSON.stringify(u)});`).join('\n');
    const r = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', `${imports}\nconsole.log(JSON.stringify(${expr}));`], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  let n = 0;
  /** Each case its own folder: ESM caches a module by URL for the life of the process. */
  const project = () => `p${++n}`;

  before(async () => {
    process.env.TSPLAY_TS_CACHE = join(dir, 'ts');
    real = ((await import('../../lib/cli/transpile.js' as string)) as { transpile: Transpile }).transpile;
    mkdirSync(dist, { recursive: true });
    writeFileSync(join(dist, 'index.js'), 'export class EngineError extends Error {}\nexport const secrets = new Set();\n');
    mkdirSync(engineLib, { recursive: true });
    writeFileSync(join(engineLib, 'index.ts'), 'export class EngineError extends Error {}\n');
    mkdirSync(join(src, 'node_modules', 'pkg'), { recursive: true });
    writeFileSync(join(src, 'node_modules', 'pkg', 'package.json'), '{ "name": "pkg", "type": "module", "exports": "./main.js" }\n');
    writeFileSync(join(src, 'node_modules', 'pkg', 'main.js'), 'export const token = {};\n');
  });
  after(() => {
    delete process.env.TSPLAY_TS_CACHE;
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    transpiled = [];
  });

  it('mirrors a module and what it imports, loads it natively, and answers the next run from the manifest', async () => {
    const p = project();
    write(`${p}/main.ts`, "import { b } from './lib/b.js';\nimport { join } from 'node:path';\nexport const value: string = join(b, 'x');\n");
    write(`${p}/lib/b.ts`, "export const b: string = 'bee';\n");
    const url = mirror().url(join(src, p, 'main.ts'))!;
    assert.ok(url.startsWith(pathToFileURL(join(dir, 'mirror')).href), url);
    assert.equal(evaluate([url], 'm0.value'), 'bee/x');
    assert.equal(transpiled.length, 2);
    transpiled = [];
    const again = mirror();
    assert.equal(again.url(join(src, p, 'main.ts')), url);
    assert.deepEqual(transpiled, [], 'a fresh mirror transpiles nothing');
    assert.equal(again.loaded[pathToFileURL(join(src, p, 'lib/b.ts')).href], pathToFileURL(fileURLToPath(url).replace('main.js', 'lib/b.js')).href);
    // Another engine build never reuses it.
    assert.notEqual(mirror('build 2').url(join(src, p, 'main.ts')), url);
  });

  it('two entries that share a module are both answered from their manifests, run after run', () => {
    const p = project();
    write(`${p}/shared.ts`, 'export const shared = {};\n');
    write(`${p}/inventory.ts`, "export { shared } from './shared.js';\n");
    write(`${p}/playbook.ts`, "export { shared } from './shared.js';\n");
    const entries = ['inventory.ts', 'playbook.ts'].map((f) => join(src, p, f));
    for (const e of entries) assert.ok(mirror().url(e));
    transpiled = [];
    for (const e of entries) assert.ok(mirror().url(e));
    assert.deepEqual(transpiled, [], 'neither rebuilt: one building did not stale the other');
  });

  it('an edit, even one that keeps the size and the mtime, is mirrored before the next run uses it', () => {
    const p = project();
    write(`${p}/main.ts`, "export { b } from './b.js';\n");
    write(`${p}/b.ts`, "export const b = 'one';\n");
    const b = join(src, p, 'b.ts');
    const second = new Date(Math.floor(Date.now() / 1000) * 1000); // a whole second: utimes keeps it exactly
    utimesSync(b, second, second);
    const url = mirror().url(join(src, p, 'main.ts'))!;
    writeFileSync(b, "export const b = 'two';\n");
    utimesSync(b, second, second);
    assert.equal(statSync(b).mtimeMs, second.getTime());
    transpiled = [];
    assert.equal(mirror().url(join(src, p, 'main.ts')), url);
    assert.deepEqual(transpiled.sort(), [b, join(src, p, 'main.ts')].sort());
    assert.match(readFileSync(fileURLToPath(url).replace('main.js', 'b.js'), 'utf8'), /'two'/);
    assert.equal(evaluate([url], 'm0.b'), 'two');
  });

  it('a module that is gone, or an import that does not resolve, leaves the entry to the hook', () => {
    const p = project();
    write(`${p}/main.ts`, "export { b } from './b.js';\n");
    write(`${p}/b.ts`, 'export const b = 1;\n');
    assert.ok(mirror().url(join(src, p, 'main.ts')));
    unlinkSync(join(src, p, 'b.ts'));
    assert.equal(mirror().url(join(src, p, 'main.ts')), undefined);
    assert.equal(mirror().url(join(src, p, 'gone.ts')), undefined);
  });

  it('refuses what only the hook gets right: import() of an expression, import.meta.resolve, .json and .js modules, self-reference', () => {
    const p = project();
    const cases: Record<string, string> = {
      'dynamic.ts': "const m = './b.js';\nexport const x = await import(m);\n",
      'resolve.ts': "export const x = import.meta.resolve('./b.js');\n",
      'json.ts': "import data from './data.json' with { type: 'json' };\nexport default data;\n",
      'plain.ts': "export { y } from './plain-js.js';\n",
      'self.ts': "export * from 'project';\n",
      'nowhere.ts': "export * from 'no-such-package';\n",
    };
    write(`${p}/data.json`, '{}\n');
    write(`${p}/plain-js.js`, 'export const y = 1;\n');
    write(`${p}/package.json`, '{ "name": "project", "exports": "./self.ts" }\n');
    for (const [file, text] of Object.entries(cases)) {
      write(`${p}/${file}`, text);
      assert.equal(mirror().url(join(src, p, file)), undefined, file);
    }
    write(`${p}/literal.ts`, "export const later = () => import('./plain-js.js');\n");
    assert.equal(mirror().url(join(src, p, 'literal.ts')), undefined, 'a literal import() is walked too');
  });

  it('import.meta names the source, not the mirror; a file that spells it out anywhere else is left to the hook', () => {
    const p = project();
    write(`${p}/meta.ts`, 'export const meta = [import.meta.url, import.meta.dirname, import.meta.filename];\n');
    const file = join(src, p, 'meta.ts');
    assert.deepEqual(evaluate([mirror().url(file)!], 'm0.meta'), [pathToFileURL(file).href, dirname(file), file]);
    // swc leaves a string alone, and the scan for what it left cannot tell a string from code: the hook.
    write(`${p}/spelt.ts`, "export const text = 'import.meta.url';\n");
    assert.equal(mirror().url(join(src, p, 'spelt.ts')), undefined);
  });

  it('a stack trace names the .ts source and its line', () => {
    const p = project();
    write(`${p}/throws.ts`, "type T = string;\n\nexport function boom(): T {\n  throw new Error('boom');\n}\n");
    const file = join(src, p, 'throws.ts');
    const stack = evaluate([mirror().url(file)!], '(() => { try { m0.boom(); } catch (e) { return e.stack; } })()') as string;
    assert.ok(stack.includes(`${file}:4:`), stack);
  });

  it("imports of the engine's lib/ and of packages are the engine's and the package's own instances", () => {
    const p = project();
    write(`${p}/uses.ts`, "export { EngineError, secrets } from '../../engine/lib/index.js';\nexport { token } from 'pkg';\n");
    const urls = [
      mirror().url(join(src, p, 'uses.ts'))!,
      pathToFileURL(join(dist, 'index.js')).href,
      pathToFileURL(join(src, 'node_modules', 'pkg', 'main.js')).href,
    ];
    assert.deepEqual(evaluate(urls, '[m0.EngineError === m1.EngineError, m0.secrets === m1.secrets, m0.token === m2.token]'), [true, true, true]);
  });

  it('a node_modules added nearer to a module than the one it was found in builds the mirror again', () => {
    const p = project();
    write(`${p}/deep/uses.ts`, "export { token } from 'pkg';\n");
    const url = mirror().url(join(src, p, 'deep/uses.ts'));
    assert.ok(url);
    mkdirSync(join(src, p, 'node_modules'));
    symlinkSync(join(src, 'node_modules', 'pkg'), join(src, p, 'node_modules', 'pkg'));
    transpiled = [];
    assert.ok(mirror().url(join(src, p, 'deep/uses.ts')));
    assert.equal(transpiled.length, 1);
  });

  it('TSPLAY_USER_MIRROR=off: no mirror', () => {
    process.env.TSPLAY_USER_MIRROR = 'off';
    try {
      assert.equal(userMirror({ stamp: 's', dist, transpile }), undefined);
    } finally {
      delete process.env.TSPLAY_USER_MIRROR;
    }
  });

  it("the import scan: static, side-effect and literal dynamic imports; Buffer.from('x') is none; import(expr) is flagged", () => {
    const code = "import a from './a.js';\nimport './side.js';\nexport * from \"zod\";\nconst b = Buffer.from('text');\nawait import('./lazy.js');\n";
    assert.deepEqual(moduleImports(code), { specifiers: ['./a.js', './side.js', 'zod', './lazy.js'], nonLiteral: false });
    assert.equal(moduleImports('await import(name);').nonLiteral, true);
    assert.equal(moduleImports('await import(`./${name}.js`);').nonLiteral, true);
    assert.equal(moduleImports("await import('./a.js', { with: { type: 'json' } });").nonLiteral, false);
  });
});
