/**
 * The `tsplay` command loads the user's unchanged TypeScript from the native mirror (lib/cli/user-mirror.ts), with
 * no hooks' thread, and never runs stale code. Needs a current build (dist/, `npm run build`): the mirror is only
 * used when the engine runs from dist/.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
type EngineModule = { locateEngine(): { stale?: string } };

describe('tsplay run: the user modules from the native mirror', function () {
  this.timeout(60_000);
  const top = mkdtempSync(join(tmpdir(), 'tsplay-mirror-cli-'));
  const dir = join(top, 'project');
  // (caches beside the project, not in it: a folder changing while the mirror is made refuses it, for that run)
  const env = { TSPLAY_USER_MIRROR: join(top, 'mirror'), TSPLAY_TS_CACHE: join(top, 'ts'), TSPLAY_TRACE_STARTUP: '1' };
  const tsplay = (extra: Record<string, string> = {}) =>
    spawnSync(process.execPath, [join(root, 'dist/cli/bin.js'), 'run', 'site.ts', '-i', 'inv.ts', '--list-hosts'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, ...env, ...extra },
    });
  const write = (rel: string, text: string) => writeFileSync(join(dir, rel), text);

  before(async function () {
    const { locateEngine } = (await import('../../lib/cli/engine.js' as string)) as EngineModule;
    const stale = locateEngine().stale;
    if (stale) {
      console.warn(`    (skipped: dist/ is not current, ${stale}: \`npm run build\` first)`);
      this.skip();
    }
    // A project that depends on tsplay, as an installed one does.
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(root, join(dir, 'node_modules', 'tsplay'));
    mkdirSync(join(dir, 'roles'));
    write('package.json', '{ "name": "my-site", "type": "module" }\n');
    write(
      'inv.ts',
      "import { defineInventory } from 'tsplay';\nexport default defineInventory({ defaults: { transport: 'fake' }, hosts: { 'h-1': { address: '192.0.2.1' } } });\n",
    );
    write('roles/name.ts', "export const PLAY: string = 'play one';\n");
    write(
      'site.ts',
      "import { definePlaybook } from 'tsplay';\nimport { PLAY } from './roles/name.js';\nexport default definePlaybook({ name: 's', plays: [{ name: PLAY, hosts: 'all', roles: [] }] });\n",
    );
  });
  after(() => rmSync(top, { recursive: true, force: true }));

  it('runs with no TypeScript hook, the first time and the next, with the output the hook gives', () => {
    const hooked = tsplay({ TSPLAY_USER_MIRROR: 'off' });
    assert.equal(hooked.status, 0, hooked.stderr);
    assert.match(hooked.stderr, /TypeScript hook registered/);
    assert.match(hooked.stdout, /play "play one" \(1 hosts\)\n {2}h-1/);
    for (const run of [tsplay(), tsplay()]) {
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, hooked.stdout);
      assert.doesNotMatch(run.stderr, /TypeScript hook registered/);
      assert.match(run.stderr, /playbook and roles loaded/);
    }
  });

  it('an edited module runs as edited, even with the same size and mtime', () => {
    const second = new Date(Math.floor(Date.now() / 1000) * 1000);
    utimesSync(join(dir, 'roles/name.ts'), second, second);
    assert.match(tsplay().stdout, /play "play one"/);
    write('roles/name.ts', "export const PLAY: string = 'play two';\n");
    utimesSync(join(dir, 'roles/name.ts'), second, second);
    assert.equal(statSync(join(dir, 'roles/name.ts')).mtimeMs, second.getTime());
    const r = tsplay();
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /play "play two"/);
    assert.doesNotMatch(r.stderr, /TypeScript hook registered/);
  });

  it('a module the mirror cannot answer for (an import of an expression) runs through the hook, the modules before it from the mirror', () => {
    write(
      'site.ts',
      "import { definePlaybook } from 'tsplay';\nconst at = './roles/name.js';\nconst { PLAY } = await import(at);\nexport default definePlaybook({ name: 's', plays: [{ name: PLAY, hosts: 'all', roles: [] }] });\n",
    );
    const r = tsplay();
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /play "play two" \(1 hosts\)/);
    assert.match(r.stderr, /inventory loaded[\s\S]*TypeScript hook registered[\s\S]*playbook and roles loaded/);
  });
});
