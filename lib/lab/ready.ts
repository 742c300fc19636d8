/**
 * A host is ready when root can log in with the lab's key, verified against the lab's known_hosts, and
 * systemd has finished booting (sshd answers before the rest of the boot is done). Failed units do not
 * stop the lab; they are named, because a role test on such a host would fail for reasons of its own.
 */
import type { Host } from '../core/model.js';
import { connectSsh } from '../transport/ssh.js';
import { LabError } from './run.js';

export interface ReadyHost {
  readonly name: string;
  readonly address: string;
}

/** `systemctl is-system-running --wait` prints the state once booting ends; then list what failed. */
const PROBE = 'systemctl is-system-running --wait; systemctl --failed --plain --no-legend | cut -d" " -f1 | tr "\\n" " "';

/** Per host: the failed units (empty when systemd is "running"). Throws naming hosts that never got there. */
export async function waitForSystemd(hosts: readonly ReadyHost[], key: string, knownHosts: string, timeoutMs: number): Promise<Map<string, string[]>> {
  const results = await Promise.all(
    hosts.map(async (h): Promise<[string, string[] | Error]> => {
      const host: Host = { name: h.name, address: h.address, port: 22, user: 'root', key, transport: 'ssh', groups: [], vars: {} };
      try {
        const c = await connectSsh(host, { knownHosts, connectTimeoutMs: 5000, retries: 2 });
        try {
          const r = await c.exec(PROBE, { timeoutMs });
          const [state = '', failed = ''] = r.stdout.split('\n');
          if (state !== 'running' && state !== 'degraded') return [h.name, new Error(`systemd is "${state || r.stderr.trim()}"`)];
          return [h.name, failed.trim().split(/\s+/).filter(Boolean)];
        } finally {
          await c.close();
        }
      } catch (e) {
        return [h.name, e as Error];
      }
    }),
  );
  const bad = results.filter((r): r is [string, Error] => r[1] instanceof Error);
  if (bad.length > 0) throw new LabError(`lab host(s) not ready: ${bad.map(([n, e]) => `${n}: ${e.message}`).join('; ')}`);
  return new Map(results as [string, string[]][]);
}
