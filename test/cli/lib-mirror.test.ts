/** The compiled copy of lib/ the `tsplay` command runs from: complete, kept current, never half-written. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Mirror = { mirrorLib(dir: string): string | undefined; sourceLib: string };

describe('compiled copy of lib/', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-mirror-'));
  let m: Mirror;
  before(async () => {
    m = (await import(`../../lib/cli/lib-mirror.js?${Date.now()}`)) as unknown as Mirror;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const copy = (rel: string) => join(dir, 'lib', rel);

  it('holds every module of lib/ as JavaScript, loadable as ESM, in one tree', () => {
    const url = m.mirrorLib(dir);
    assert.equal(url, `${pathToFileURL(join(dir, 'lib')).href}/`);
    assert.ok(existsSync(copy('cli/main.js')) && existsSync(copy('index.js')) && existsSync(copy('cli/transpile.js')));
    assert.doesNotMatch(readFileSync(copy('index.js'), 'utf8'), /^import type/m);
    assert.match(readFileSync(join(dir, 'package.json'), 'utf8'), /"type": "module"/);
  });

  it('keeps paths a module finds from its own location pointing at the sources', () => {
    const paths = readFileSync(copy('lab/paths.js'), 'utf8');
    assert.doesNotMatch(paths, /import\.meta\.url/);
    assert.ok(paths.includes(JSON.stringify(`${m.sourceLib}lab/paths.ts`)));
  });

  it('rewrites only files whose source changed', () => {
    const manifestFile = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, string>;
    writeFileSync(copy('dsl/role.js'), '// stale\n');
    writeFileSync(copy('index.js'), '// stale\n');
    manifest['dsl/role.ts'] = '0:0';
    writeFileSync(manifestFile, JSON.stringify(manifest));
    const before = statSync(copy('cli/main.js')).mtimeMs;
    m.mirrorLib(dir);
    assert.doesNotMatch(readFileSync(copy('dsl/role.js'), 'utf8'), /stale/);
    assert.match(readFileSync(copy('index.js'), 'utf8'), /stale/, 'an unchanged source is not transpiled again');
    assert.equal(statSync(copy('cli/main.js')).mtimeMs, before);
  });

  it('gives up without throwing where it cannot write, so the command falls back to the hooks', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    assert.equal(m.mirrorLib(join(file, 'cache')), undefined);
  });

  it('is what `tsplay` runs: a playbook importing lib/ gets the engine the CLI runs, not a second one', async () => {
    const { spawnSync } = await import('node:child_process');
    const bin = fileURLToPath(new URL('../../lib/cli/bin.js', import.meta.url));
    const playbook = join(dir, 'probe.ts');
    writeFileSync(playbook, [
      `import { definePlaybook } from '${fileURLToPath(m.sourceLib)}index.js';`,
      "console.error('LIB', import.meta.resolve('" + fileURLToPath(m.sourceLib) + "dsl/playbook.js'));",
      "export default definePlaybook({ name: 'probe', plays: [{ name: 'p', hosts: 'all', roles: [] }] });",
    ].join('\n'));
    const r = spawnSync(process.execPath, [bin, 'run', playbook, '-i', 'inventory/lab.ts', '--list-hosts'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /play "p"/);
    assert.match(r.stderr, /^LIB file:\/\/.*\/node_modules\/\.cache\/tsplay\/lib\/dsl\/playbook\.js$/m);
  });
});
