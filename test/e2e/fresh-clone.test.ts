/**
 * A fresh clone, as a newcomer or CI gets it: `npm ci` builds dist/ (the root package's "prepare", which npm 11
 * still runs while it holds back the dependencies' install scripts), leaves the clone clean (dist/ is ignored),
 * and the command runs from dist/ at once: one engine for the CLI and the roles, and a --check run over SSH.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { paths, requireLab } from '../integration/lab-hosts.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('e2e: a fresh clone builds dist/ in npm ci and runs from it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-clone-'));
  const clone = join(dir, 'tsplay');
  const tsplay = (...args: string[]) => spawnSync(process.execPath, [join(clone, 'lib/cli/bin.js'), ...args], { cwd: clone, encoding: 'utf8' });
  let host: { name: string; address: string };
  before(async function () {
    // lab-29: the fresh-clone test's own host (test/all.sh's lab plan), whatever the lab's size.
    const lab = await requireLab(this, 29);
    host = lab.hosts.find((h) => h.name === 'lab-29')!;
    execFileSync('git', ['clone', '-q', root, clone]);
    // The packages are in npm's cache already (the checkout's own npm ci): no network needed.
    execFileSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: clone, stdio: 'pipe' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('npm ci built dist/ (stamped, with declarations) and left the clone clean', () => {
    for (const f of ['dist/.built', 'dist/cli/main.js', 'dist/index.js', 'dist/index.d.ts']) assert.ok(existsSync(join(clone, f)), `${f} is missing`);
    assert.equal(execFileSync('git', ['status', '--porcelain'], { cwd: clone, encoding: 'utf8' }), '');
  });

  it('the command runs dist/, and a role importing lib/ gets that same engine (its secret masked, its error ours)', () => {
    const r = tsplay('run', 'test/fixtures/one-engine/playbook.ts', '-i', 'test/fixtures/one-engine/inventory.ts', '--list-tasks');
    assert.equal(r.stderr, 'error: roles/probe: probe refuses the value [secret]\n');
    assert.equal(r.status, 1);
  });

  it('a --check run of the sample playbook over SSH from the clone: dist/ current, the host reached, nothing failed', () => {
    const inventory = join(dir, 'inventory.ts');
    writeFileSync(
      inventory,
      [
        `import { defineInventory } from ${JSON.stringify(join(clone, 'lib/index.js'))};`,
        `export default defineInventory({ hosts: { ${JSON.stringify(host.name)}: { address: ${JSON.stringify(host.address)}, user: 'root', key: ${JSON.stringify(paths.key)} } }, groups: {} });`,
      ].join('\n'),
    );
    const r = tsplay('run', 'playbooks/sample.ts', '-i', inventory, '--check', '--json', '--known-hosts', paths.knownHosts);
    assert.doesNotMatch(r.stderr, /stale/);
    const end = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind?: string; stats?: { hosts: Record<string, { unreachable: boolean; failed: number }> } })
      .find((e) => e.kind === 'run-end');
    const stats = end?.stats?.hosts[host.name];
    assert.ok(stats, `no run-end for ${host.name}:\n${r.stdout}${r.stderr}`);
    assert.equal(stats.unreachable, false);
    assert.equal(stats.failed, 0, r.stdout);
  });
});
