/** What a run knows of one host: its one connection, what it learnt through it, and how the host fared. */
import type { HostDriver } from '../core/driver.js';
import type { HostFacts } from '../core/ops.js';
import type { HostStats } from '../report/events.js';
import type { Writer } from './pass.js';
import type { Counts } from './role-run.js';

export class HostState {
  readonly stats: HostStats = { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: false, roundTrips: 0, roleMs: {} };
  driver?: Promise<HostDriver>;
  /** The driver's round-trip count when this run got it: stats count this run's round trips only. */
  trips0?: number;
  /** The pending-handler journal the host's session read (HostDriver.begin), known after its first query. */
  journal?: Promise<readonly string[]>;
  facts?: HostFacts;
  /** Check mode: what earlier roles would change on this host (for dependsOn marks across roles). */
  readonly writes: Writer[] = [];
  failed = false;

  /** Failed or unreachable: the host starts nothing more in this run. */
  get done(): boolean {
    return this.failed || this.stats.unreachable;
  }

  /** The round trips this run made through `driver` so far (a host that broke mid-role keeps them). */
  countTrips(driver: HostDriver): void {
    this.trips0 ??= driver.roundTrips;
    this.stats.roundTrips = driver.roundTrips - this.trips0;
  }

  /** Adds what one role reported on this host, and its time. */
  add(counts: Counts, role: string, ms: number): void {
    for (const k of ['ok', 'changed', 'failed', 'skipped'] as const) this.stats[k] += counts[k];
    // A failed host counts at least one failure, even when what failed was no resource (a handler, a gate).
    if (this.failed) this.stats.failed = Math.max(this.stats.failed, 1);
    this.stats.roleMs[role] = (this.stats.roleMs[role] ?? 0) + ms;
  }
}
