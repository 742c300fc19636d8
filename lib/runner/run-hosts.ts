/**
 * The hosts of one run: each one's state and its one connection, whose first query carries the lock, the
 * temp sweep, the journal and the read-ahead of its later roles. Hosts outside the plays join on first use
 * (a cluster gate's command, a delegated role) and appear in the recap like the others.
 */
import type { HostDriver, RunClaim } from '../core/driver.js';
import { TransportError } from '../core/errors.js';
import type { Host } from '../core/model.js';
import type { HostStats, RunEvent } from '../report/events.js';
import { bareClaim } from './claim.js';
import { HostState } from './host-state.js';
import { type ChangeSignal, readAhead, type Upcoming } from './read-ahead.js';

export interface RunHostsOptions {
  /** The plays' hosts, then the hosts delegated roles run on, in recap order. */
  readonly hosts: readonly Host[];
  /** Every inventory host: a cluster gate may run a command on one outside the plays. */
  readonly inventory: readonly Host[];
  connect(host: Host): Promise<HostDriver>;
  readonly claims: ReadonlyMap<string, RunClaim>;
  readonly upcoming: ReadonlyMap<string, readonly Upcoming[]>;
  readonly changes: ChangeSignal;
  readonly emit: (e: RunEvent) => void;
}

export class RunHosts {
  readonly #o: RunHostsOptions;
  readonly #all: Host[];
  readonly #state = new Map<string, HostState>();

  constructor(o: RunHostsOptions) {
    this.#o = o;
    this.#all = [...o.hosts];
    for (const h of o.hosts) this.#state.set(h.name, new HostState());
  }

  get names(): string[] {
    return this.#all.map((h) => h.name);
  }

  state(host: Host): HostState {
    return this.#state.get(host.name) ?? this.#join(host);
  }

  /** An inventory host by name (joining the run), or undefined for a name that is none. */
  find(name: string): Host | undefined {
    return this.#all.find((h) => h.name === name) ?? this.#o.inventory.find((h) => h.name === name);
  }

  /** The host's one connection for the run; a failure to open it is a TransportError (the host is unreachable). */
  driverOf(host: Host): Promise<HostDriver> {
    const st = this.state(host);
    st.driver ??= this.#o.connect(host).then((d) => {
      st.journal = d.begin ? d.begin(this.#o.claims.get(host.name) ?? bareClaim(this.#o.claims)).then((s) => s.pending) : Promise.resolve([]);
      st.journal.catch(() => undefined);
      st.trips0 ??= d.roundTrips;
      return readAhead(d, this.#o.upcoming.get(host.name) ?? [], this.#o.changes);
    });
    return st.driver.catch((e: unknown) => {
      // Whatever stops the connection (refused, DNS, a key file that is missing), the host is unreachable.
      throw e instanceof TransportError ? e : new TransportError(host.name, (e as Error).message, { cause: e });
    });
  }

  /** The host fails (once: its first failure is the one reported). */
  fail(host: Host, e: Error): void {
    const st = this.state(host);
    if (st.failed) return;
    st.failed = true;
    this.#o.emit({ kind: 'host-failed', host: host.name, error: e.message });
  }

  unreachable(host: Host, e: Error): void {
    this.state(host).stats.unreachable = true;
    this.#o.emit({ kind: 'unreachable', host: host.name, error: e.message });
  }

  /** Counts the round trips made outside roles too (a cluster gate's commands), then closes every connection. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.#state.values()].map(async (st) => {
        const d = await st.driver?.catch(() => undefined);
        if (d && st.trips0 !== undefined) st.countTrips(d);
        await d?.close().catch(() => undefined);
      }),
    );
  }

  stats(): Record<string, HostStats> {
    return Object.fromEntries(this.#all.map((h) => [h.name, this.state(h).stats]));
  }

  #join(host: Host): HostState {
    const st = new HostState();
    this.#all.push(host);
    this.#state.set(host.name, st);
    return st;
  }
}
