/**
 * `tsplay init`'s project passes its own `npm test` at once, offline: `npm install --offline` links this tsplay
 * (its file: dependency, no download), and node --test runs the motd role on a fake Debian host. No lab host.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../lib/cli/bin.js', import.meta.url));

describe('tsplay init: the scaffold passes its own npm test, offline', function () {
  this.timeout(300_000);
  const tmp = mkdtempSync(join(tmpdir(), 'tsplay-init-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('init, npm install --offline, npm test: the fake-host test passes; tsplay run --list-hosts reads its playbook', () => {
    const dir = join(tmp, 'infra');
    execFileSync(process.execPath, [BIN, 'init', dir], { encoding: 'utf8' });
    const started = Date.now();
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'pipe' });
    const t = spawnSync('npm', ['test'], { cwd: dir, encoding: 'utf8' });
    assert.equal(t.status, 0, t.stdout + t.stderr);
    assert.match(t.stdout, /# pass 1\n# fail 0/);
    const l = spawnSync('npx', ['tsplay', 'run', 'playbook.ts', '-i', 'inventory.ts', '--list-hosts'], { cwd: dir, encoding: 'utf8' });
    assert.equal(l.status, 0, l.stderr);
    assert.match(l.stdout, /play "message of the day" \(1 hosts\)\n {2}web-1 {2}192\.0\.2\.10/);
    console.log(`      npm install --offline + npm test + --list-hosts: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
});
