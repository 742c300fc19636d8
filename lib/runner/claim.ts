/**
 * A run's claim on each of its hosts (see RunClaim): who holds the host's lock, how long a second run
 * waits for it, and where the run sweeps leftover temp files: beside every path it manages there.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { RunClaim } from '../core/driver.js';
import type { Mode } from '../report/events.js';
import type { CompiledPlay } from './compile.js';

/**
 * Default --lock-timeout: a second run queues behind a whole converge of site.ts on a fresh lab (about
 * 20 s) rather than fail, and a host held by a stuck run is reported, with its holder, within a minute.
 */
export const LOCK_TIMEOUT_MS = 60_000;

/** The parent directory of an absolute path (`/` for `/x`). */
const parent = (path: string): string => path.replace(/\/+$/, '').replace(/\/[^/]*$/, '') || '/';

/** Per host: the claim this run makes (one run id for all hosts). */
export function claims(plays: readonly CompiledPlay[], mode: Mode, lockTimeoutMs = LOCK_TIMEOUT_MS, startedAt = new Date()): Map<string, RunClaim> {
  const id = randomBytes(6).toString('hex');
  const dirs = new Map<string, Set<string>>();
  for (const play of plays) {
    // Every host of a play is claimed, even one no role changes (a cluster gate may still run commands there).
    for (const h of play.hosts) if (!dirs.has(h.name)) dirs.set(h.name, new Set());
    for (const role of play.roles) {
      for (const [name, hr] of role.perHost) {
        // A delegated role writes on the host it runs on: that host is claimed (and swept) too.
        const host = hr.on?.name ?? name;
        const mine = dirs.get(host) ?? new Set<string>();
        dirs.set(host, mine);
        for (const r of hr.resources) for (const k of r.writes ?? []) if (k.startsWith('path:/')) mine.add(parent(k.slice(5)));
      }
    }
  }
  return new Map(
    [...dirs].map(([host, mine]) => [
      host,
      {
        id,
        controller: hostname(),
        pid: process.pid,
        startedAt: startedAt.toISOString(),
        lockTimeoutMs,
        // Check mode changes nothing, leftovers included.
        sweep: mode === 'apply' ? [...mine].sort() : [],
      },
    ]),
  );
}

/** The run's claim for a host it reaches without any role (a cluster gate's command): nothing to sweep. */
export function bareClaim(all: ReadonlyMap<string, RunClaim>, lockTimeoutMs = LOCK_TIMEOUT_MS): RunClaim {
  const any = all.values().next().value as RunClaim | undefined;
  return any
    ? { ...any, sweep: [] }
    : { id: randomBytes(6).toString('hex'), controller: hostname(), pid: process.pid, startedAt: new Date().toISOString(), lockTimeoutMs, sweep: [] };
}
