/**
 * A host is ready when root can log in with the lab's key, verified against the lab's known_hosts, and
 * systemd has finished booting (sshd answers before the rest of the boot is done). Failed units do not
 * stop the lab; they are named, because a role test on such a host would fail for reasons of its own.
 */
import pLimit from 'p-limit';
import type { Connection } from '../core/connection.js';
import type { Host } from '../core/model.js';
import { connectSsh } from '../transport/ssh.js';
import { LabError } from './run.js';

export interface ReadyHost {
  readonly name: string;
  readonly address: string;
}

/** `systemctl is-system-running --wait` prints the state once booting ends; then list what failed. */
const PROBE = 'systemctl is-system-running --wait; systemctl --failed --plain --no-legend | cut -d" " -f1 | tr "\\n" " "';

/**
 * At most this many hosts are probed at once: a hundred SSH handshakes at the same moment, on a machine
 * that is also booting those hosts, miss any fixed connect timeout (seen at 134 hosts: every one failed).
 */
const PARALLEL = 16;

/** Per host: the failed units (empty when systemd is "running"). Throws naming hosts that never got there. */
export async function waitForSystemd(hosts: readonly ReadyHost[], key: string, knownHosts: string, timeoutMs: number): Promise<Map<string, string[]>> {
  const limit = pLimit(PARALLEL);
  const until = Date.now() + timeoutMs;
  const results = await Promise.all(hosts.map((h) => limit(() => probe(h, key, knownHosts, until))));
  const bad = results.filter((r): r is [string, Error] => r[1] instanceof Error);
  if (bad.length > 0) throw new LabError(`lab host(s) not ready: ${bad.map(([n, e]) => `${n}: ${e.message}`).join('; ')}`);
  return new Map(results as [string, string[]][]);
}

/** One host, tried again after a failed connection until the deadline; a systemd answer is final. */
async function probe(h: ReadyHost, key: string, knownHosts: string, until: number): Promise<[string, string[] | Error]> {
  const host: Host = { name: h.name, address: h.address, port: 22, user: 'root', key, transport: 'ssh', groups: [], vars: {} };
  for (;;) {
    let c: Connection;
    try {
      c = await connectSsh(host, { knownHosts, connectTimeoutMs: 10_000, retries: 0 });
    } catch (e) {
      if (Date.now() + 1000 > until) return [h.name, e as Error];
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    try {
      const r = await c.exec(PROBE, { timeoutMs: Math.max(1000, until - Date.now()) });
      const [state = '', failed = ''] = r.stdout.split('\n');
      if (state !== 'running' && state !== 'degraded') return [h.name, new Error(`systemd is "${state || r.stderr.trim()}"`)];
      return [h.name, failed.trim().split(/\s+/).filter(Boolean)];
    } catch (e) {
      return [h.name, e as Error];
    } finally {
      await c.close();
    }
  }
}
