/**
 * The `tsplay` command runs ONE engine: lib/ compiled into dist/, which the user's roles get too when they
 * import lib/ by path. Module singletons (the secret registry) and instanceof checks prove it end to end; the
 * choice between dist/ and the sources (a stale build) is checked on a throwaway tree.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PROBE_VALUE } from '../fixtures/one-engine/roles/probe/index.js';

type Engine = { main: string; lib?: string; dist?: string; stale?: string };
type EngineModule = { locateEngine(root?: URL): Engine; staleness(src: string, dist: string): string | undefined; STAMP: string };

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'lib/cli/bin.js');
const engineModule = async () => (await import('../../lib/cli/engine.js' as string)) as EngineModule;

describe('one engine instance', () => {
  /** The real dist/, built when lib/ changed since the last build (`npm test` builds it first anyway). */
  async function build(): Promise<Engine> {
    const { locateEngine } = await engineModule();
    if (!locateEngine().stale) return locateEngine();
    const r = spawnSync(process.execPath, [join(root, 'lib/cli/build.js')], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `npm run build failed:\n${r.stdout}${r.stderr}`);
    return locateEngine();
  }

  it("a role importing lib/ by path shares the CLI's secret registry and error classes (dist/, no second copy)", async function () {
    this.timeout(180_000);
    const run = () =>
      spawnSync(process.execPath, [bin, 'run', 'test/fixtures/one-engine/playbook.ts', '-i', 'test/fixtures/one-engine/inventory.ts', '--list-tasks'], {
        cwd: root,
        encoding: 'utf8',
      });
    let engine = await build();
    let r = run();
    // Another checkout's edit of lib/ between the build and the run makes the CLI fall back to the sources: again.
    if (/dist\/ is stale/.test(r.stderr)) [engine, r] = [await build(), run()];
    assert.equal(engine.stale, undefined, 'dist/ is current');
    assert.equal(engine.main, pathToFileURL(join(root, 'dist/cli/main.js')).href);
    // Two copies would print the value (the CLI's registry never saw it) as an "internal error" (instanceof fails).
    assert.equal(r.stderr, 'error: roles/probe: probe refuses the value [secret]\n');
    assert.ok(!`${r.stdout}${r.stderr}`.includes(PROBE_VALUE));
    assert.equal(r.status, 1);
  });

  describe('dist/ or the sources', () => {
    const tree = mkdtempSync(join(tmpdir(), 'tsplay-engine-'));
    const lib = join(tree, 'lib');
    const dist = join(tree, 'dist');
    const at = (path: string, secs: number) => utimesSync(path, secs, secs);
    let m: EngineModule;
    before(async () => {
      m = await engineModule();
      mkdirSync(join(lib, 'cli'), { recursive: true });
      mkdirSync(join(dist, 'cli'), { recursive: true });
      writeFileSync(join(lib, 'cli/main.ts'), '');
      writeFileSync(join(lib, 'index.ts'), '');
      writeFileSync(join(dist, m.STAMP), '');
      for (const p of [join(lib, 'cli/main.ts'), join(lib, 'index.ts'), join(lib, 'cli'), lib]) at(p, 1000);
      at(join(dist, m.STAMP), 2000);
    });
    after(() => rmSync(tree, { recursive: true, force: true }));
    const url = (p: string) => pathToFileURL(join(tree, p)).href;

    it('takes dist/ when the build is newer than every file and folder of lib/', () => {
      assert.equal(m.staleness(lib, dist), undefined);
      assert.deepEqual(m.locateEngine(pathToFileURL(`${tree}/`)), { main: url('dist/cli/main.js'), lib: `${url('lib')}/`, dist: `${url('dist')}/` });
    });

    it('names the first file edited after the build, and then runs the sources', () => {
      at(join(lib, 'cli/main.ts'), 3000);
      try {
        assert.equal(m.staleness(lib, dist), 'cli/main.ts');
        assert.deepEqual(m.locateEngine(pathToFileURL(`${tree}/`)), { main: url('lib/cli/main.ts'), stale: 'cli/main.ts' });
      } finally {
        at(join(lib, 'cli/main.ts'), 1000);
      }
    });

    it('sees a file added or removed through its folder, and a missing build', () => {
      at(join(lib, 'cli'), 3000);
      assert.equal(m.staleness(lib, dist), 'cli');
      at(join(lib, 'cli'), 1000);
      at(lib, 3000);
      assert.equal(m.staleness(lib, dist), '.');
      at(lib, 1000);
      assert.equal(m.staleness(lib, join(tree, 'no-dist')), 'no build');
    });

    it('an installed package (dist/ alone, no lib/ sources) always runs dist/, checking nothing', () => {
      const installed = join(tree, 'installed');
      mkdirSync(join(installed, 'dist'), { recursive: true });
      assert.deepEqual(m.locateEngine(pathToFileURL(`${installed}/`)), { main: pathToFileURL(join(installed, 'dist/cli/main.js')).href });
    });
  });
});
