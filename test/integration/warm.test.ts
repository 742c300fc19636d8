/**
 * Warm connections against the lab (lab-30 and lab-31 only): runs through `tsplay --warm` reuse the
 * daemon's sessions (counted by the daemon), the socket is private, a session that died (the host's sshd
 * connections dropped, as in a reboot) is reconnected, and the daemon leaves when idle.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WarmClient } from '../../lib/transport/warm/client.js';
import type { DaemonStats } from '../../lib/transport/warm/daemon.js';
import { SOCKET_NAME } from '../../lib/transport/warm/paths.js';
import { requireLab } from './lab-hosts.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const LIMIT = 'lab-30:lab-31';

describe('warm connections (lab-30, lab-31)', function () {
  this.timeout(180_000);
  let dir: string;
  const tsplay = (args: string[], env: Record<string, string> = {}) =>
    run('node', ['lib/cli/bin.js', ...args], { cwd: root, env: { ...process.env, TSPLAY_WARM_DIR: dir, ...env } });
  const sample = (env: Record<string, string> = {}) => tsplay(['run', 'playbooks/sample.ts', '-i', 'inventory/lab.ts', '--limit', LIMIT, '--warm'], env);
  const stats = async (): Promise<DaemonStats> => {
    const c = await WarmClient.open(join(dir, SOCKET_NAME));
    try {
      return (await c.request({ op: 'status' })).header.stats as DaemonStats;
    } finally {
      c.close();
    }
  };

  before(async function () {
    await requireLab(this, 2);
    dir = mkdtempSync(join(tmpdir(), 'tsplay-warm-lab-'));
  });
  after(async () => {
    if (!dir) return;
    await tsplay(['warm', 'stop']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a second run reuses the sessions of the first: two hosts, two connects', async () => {
    await sample();
    await sample();
    const s = await stats();
    assert.equal(s.connects, 2);
    assert.equal(statSync(join(dir, SOCKET_NAME)).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
  });

  it('survives the host dropping every SSH session (as a reboot does): the next run connects again', async () => {
    // Kill lab-31's sshd session processes (not the listener): the daemon's session to it dies.
    await tsplay(['exec', 'lab-31', '-i', 'inventory/lab.ts', '--', "pkill -f 'sshd: root@notty'; true"]).catch(() => undefined);
    await sample();
    const s = await stats();
    assert.ok(s.connects >= 3, `connects ${s.connects}`);
    assert.ok(s.links.every((l) => l.alive));
  });

  it('leaves when idle', async () => {
    await tsplay(['warm', 'stop']);
    await sample({ TSPLAY_WARM_IDLE: '1' });
    for (let i = 0; i < 100; i++) {
      try {
        statSync(join(dir, SOCKET_NAME));
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail('the daemon was still there 10 s after its 1 s idle timeout');
  });
});
