/**
 * Run a compiled playbook: plays in order, serial batches, hosts in parallel (p-limit, --forks and the
 * play's throttle), linear or free strategy, failure policy, one connection per host for the whole run,
 * whose first query reads ahead for the host's later roles (read-ahead.ts).
 * The runner never prints: everything it has to say goes out as RunEvents.
 */
import pLimit from 'p-limit';
import type { HostDriver } from '../core/driver.js';
import { TransportError } from '../core/errors.js';
import type { Cluster, Host } from '../core/model.js';
import type { HostFacts } from '../core/ops.js';
import { redact } from '../core/secret.js';
import type { HostStats, Mode, Reporter, RunEvent, RunStats } from '../report/events.js';
import { bareClaim, claims } from './claim.js';
import { passClusterGates } from './cluster-gate.js';
import type { CompiledPlay } from './compile.js';
import { queriesOf, type Writer } from './pass.js';
import { ChangeSignal, readAhead, type Upcoming } from './read-ahead.js';
import { runRole } from './role-run.js';
import type { PlanHook } from './plan/hook.js';

type Limit = ReturnType<typeof pLimit>;

export interface RunDeps {
  /** Open the host's one connection for this run; a rejection makes the host unreachable. */
  connect(host: Host): Promise<HostDriver>;
  readonly reporter: Reporter;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export interface RunOptions {
  readonly playbook: string;
  readonly mode: Mode;
  readonly diff: boolean;
  /** Hosts worked on at once; default: all. */
  readonly forks?: number;
  /** Run health gates on every host of a role, not only where something changed (costs round trips). */
  readonly verify?: boolean;
  /** Milliseconds from process start to this run (loading, compiling, controller work), for the report. */
  readonly startupMs?: number;
  /** How long to wait for a host another run holds (default LOCK_TIMEOUT_MS), then fail that host. */
  readonly lockTimeoutMs?: number;
  /** Plan files: record each role's plan (check) or apply only what was recorded (see plan/hook.ts). */
  readonly plan?: PlanHook;
}

class HostState {
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
  get done(): boolean {
    return this.failed || this.stats.unreachable;
  }
}

export async function runPlaybook(plays: readonly CompiledPlay[], cluster: Cluster, opts: RunOptions, deps: RunDeps): Promise<RunStats> {
  const now = deps.now ?? Date.now;
  const started = now();
  // Error texts (stderr, exception messages) may echo a secret value: scrub them before any reporter sees them.
  const emit = (e: RunEvent): void => deps.reporter.emit('error' in e && e.error ? ({ ...e, error: redact(e.error) } as RunEvent) : e);
  const gateDeps = { emit, sleep: deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))) };
  // The play's hosts, then hosts that only delegated roles run on (they connect, and appear in the recap).
  const delegates = plays.flatMap((p) => p.roles.flatMap((r) => [...r.perHost.values()].flatMap((hr) => (hr.on ? [hr.on] : []))));
  const all = [...new Map([...plays.flatMap((p) => p.hosts), ...delegates].map((h) => [h.name, h] as const)).values()];
  const state = new Map(all.map((h) => [h.name, new HostState()]));
  const changes = new ChangeSignal();
  const upcoming = upcomingQueries(plays);
  const claimOf = claims(plays, opts.mode, opts.lockTimeoutMs);
  const startup = opts.startupMs === undefined ? {} : { startupMs: opts.startupMs };
  emit({ kind: 'run-start', playbook: opts.playbook, mode: opts.mode, diff: opts.diff, hosts: all.map((h) => h.name), ...startup });

  /** One queue per role of a play: rolling roles settle (handlers, gates) one host at a time. */
  const turns = new Map<string, <T>(f: () => Promise<T>) => Promise<T>>();
  const turnOf = (play: CompiledPlay, ri: number) => {
    const key = `${plays.indexOf(play)}:${ri}`;
    let t = turns.get(key);
    if (!t) {
      const one = pLimit(1);
      turns.set(key, (t = <T>(f: () => Promise<T>) => one(f)));
    }
    return t;
  };

  /** The host's one connection for the run (its first query carries the lock, the sweep and read-ahead). */
  function driverOf(host: Host, st: HostState): Promise<HostDriver> {
    st.driver ??= deps.connect(host).then((d) => {
      // The lock, the temp sweep and the journal ride along with the host's first query.
      st.journal = d.begin ? d.begin(claimOf.get(host.name) ?? bareClaim(claimOf)).then((s) => s.pending) : Promise.resolve([]);
      st.journal.catch(() => undefined);
      st.trips0 ??= d.roundTrips;
      return readAhead(d, upcoming.get(host.name) ?? [], changes);
    });
    return st.driver.catch((e: unknown) => {
      // Whatever stops the connection (refused, DNS, a key file that is missing), the host is unreachable.
      throw e instanceof TransportError ? e : new TransportError(host.name, (e as Error).message, { cause: e });
    });
  }

  /** Delegated roles take turns on the host they run on: one door, one role at a time through it. */
  const doors = new Map<string, <T>(f: () => Promise<T>) => Promise<T>>();
  const doorOf = (name: string) => {
    let d = doors.get(name);
    if (!d) {
      const one = pLimit(1);
      doors.set(name, (d = <T>(f: () => Promise<T>) => one(f)));
    }
    return d;
  };

  async function roleOnHost(play: CompiledPlay, ri: number, host: Host): Promise<void> {
    const st = state.get(host.name)!;
    const role = play.roles[ri]!;
    const hr = role.perHost.get(host.name);
    if (!hr || st.done) return;
    if (hr.on) return doorOf(hr.on.name)(() => roleDelegated(play, ri, host, hr.on!));
    const t0 = now();
    let driver: HostDriver | undefined;
    // Counted as each resource is reported, and added in finally: a host that breaks after its apply keeps them.
    const counts = { ok: 0, changed: 0, failed: 0, skipped: 0 };
    try {
      driver = await driverOf(host, st);
      const rt0 = driver.roundTrips;
      st.trips0 ??= rt0;
      const res = await runRole(
        {
          host,
          role: role.name,
          hr,
          driver,
          cluster,
          mode: opts.mode,
          become: play.play.become ?? false,
          ...(st.facts ? { facts: st.facts } : {}),
          earlier: st.writes,
          turn: turnOf(play, ri),
          verify: opts.verify === true,
          counts,
          ...(st.journal ? { journal: st.journal } : {}),
          ...(opts.plan ? { planHook: opts.plan } : {}),
        },
        gateDeps,
      );
      st.facts = res.facts;
      if (opts.mode === 'check') st.writes.push(...res.writes);
      emit({ kind: 'role-end', host: host.name, role: role.name, ms: now() - t0, roundTrips: driver.roundTrips - rt0, changed: res.counts.changed });
      if (res.error) fail(host, st, res.error);
    } catch (e) {
      if (e instanceof TransportError) unreachable(host, st, e);
      else fail(host, st, e as Error);
    } finally {
      // In finally: a host that broke mid-role still made the round trips it made.
      if (driver) st.stats.roundTrips = driver.roundTrips - (st.trips0 ?? 0);
      addCounts(st, counts, role.name, now() - t0);
    }
  }

  /**
   * A role converging `host` run through `on`'s connection (RoleUse.delegateTo): `on`'s facts, journal and
   * check-mode writes, `host`'s counts and failure; round trips count on `on`, which made them.
   */
  async function roleDelegated(play: CompiledPlay, ri: number, host: Host, on: Host): Promise<void> {
    const st = state.get(host.name)!;
    const ost = state.get(on.name)!;
    const role = play.roles[ri]!;
    const hr = role.perHost.get(host.name)!;
    if (st.done) return;
    const t0 = now();
    let driver: HostDriver | undefined;
    const counts = { ok: 0, changed: 0, failed: 0, skipped: 0 };
    try {
      if (ost.stats.unreachable) throw new Error(`${on.name}, which the role ${role.name} is delegated to, is unreachable`);
      try {
        driver = await driverOf(on, ost);
      } catch (e) {
        if (e instanceof TransportError) unreachable(on, ost, e);
        throw e;
      }
      const rt0 = driver.roundTrips;
      ost.trips0 ??= rt0;
      const res = await runRole(
        {
          host,
          role: role.name,
          hr,
          driver,
          cluster,
          mode: opts.mode,
          become: play.play.become ?? false,
          ...(ost.facts ? { facts: ost.facts } : {}),
          earlier: ost.writes,
          turn: turnOf(play, ri),
          verify: opts.verify === true,
          counts,
          ...(ost.journal ? { journal: ost.journal } : {}),
          ...(opts.plan ? { planHook: opts.plan } : {}),
        },
        gateDeps,
      );
      ost.facts = res.facts;
      if (opts.mode === 'check') ost.writes.push(...res.writes);
      emit({
        kind: 'role-end',
        host: host.name,
        role: role.name,
        ms: now() - t0,
        roundTrips: driver.roundTrips - rt0,
        changed: res.counts.changed,
        on: on.name,
      });
      if (res.error) fail(host, st, res.error);
    } catch (e) {
      // The host the role was delegated to broke: the converged host fails (it is not itself unreachable).
      const why = e instanceof TransportError ? new Error(`delegated to ${on.name}, which is unreachable: ${e.message}`) : (e as Error);
      fail(host, st, why);
    } finally {
      if (driver) ost.stats.roundTrips = driver.roundTrips - (ost.trips0 ?? 0);
      addCounts(st, counts, role.name, now() - t0);
    }
  }

  function addCounts(st: HostState, counts: Record<'ok' | 'changed' | 'failed' | 'skipped', number>, role: string, ms: number): void {
    for (const k of ['ok', 'changed', 'failed', 'skipped'] as const) st.stats[k] += counts[k];
    // A failed host counts at least one failure, even when what failed was no resource (a handler, a gate).
    if (st.failed) st.stats.failed = Math.max(st.stats.failed, 1);
    st.stats.roleMs[role] = (st.stats.roleMs[role] ?? 0) + ms;
  }

  function fail(host: Host, st: HostState, e: Error): void {
    if (st.failed) return;
    st.failed = true;
    emit({ kind: 'host-failed', host: host.name, error: e.message });
  }

  function unreachable(host: Host, st: HostState, e: Error): void {
    st.stats.unreachable = true;
    emit({ kind: 'unreachable', host: host.name, error: e.message });
  }

  /** Why the failure policy stops the play (and so the run) after this batch step, if it does. */
  function abortReason(play: CompiledPlay, batch: readonly Host[]): string | undefined {
    const bad = batch.filter((h) => state.get(h.name)!.done).length;
    if (bad === 0) return undefined;
    if (play.play.anyErrorsFatal) return `${bad} host(s) failed and anyErrorsFatal is set`;
    const pct = (bad * 100) / batch.length;
    if (play.play.maxFailPercent !== undefined && pct > play.play.maxFailPercent)
      return `${pct.toFixed(0)}% of the batch failed (maxFailPercent ${play.play.maxFailPercent})`;
    if (bad === batch.length) return 'every host of the batch failed';
    return undefined;
  }

  /** The roles of `ri` one after another, each on every host of the batch at once; why the play stops, if it does. */
  async function linear(
    play: CompiledPlay,
    ris: readonly number[],
    batch: readonly Host[],
    limit: Limit,
    mustAbort: (b: readonly Host[]) => string | undefined,
  ): Promise<string | undefined> {
    for (const ri of ris) {
      const on = batch.filter((h) => play.roles[ri]!.perHost.has(h.name) && !state.get(h.name)!.done);
      if (on.length === 0) continue;
      emit({ kind: 'role-start', play: play.play.name, role: play.roles[ri]!.name, hosts: on.map((h) => h.name) });
      await Promise.all(on.map((h) => limit(() => roleOnHost(play, ri, h))));
      const why = mustAbort(batch);
      if (why) return why;
    }
    return undefined;
  }

  /**
   * Each host goes on alone, but the failure policy is checked after every role: once it says stop, no
   * host starts another role (hosts waiting for a fork included).
   */
  async function free(
    play: CompiledPlay,
    ris: readonly number[],
    batch: readonly Host[],
    limit: Limit,
    mustAbort: (b: readonly Host[]) => string | undefined,
  ): Promise<string | undefined> {
    let why: string | undefined;
    await Promise.all(
      batch.map((h) =>
        limit(async () => {
          for (let i = 0; i < ris.length && !why; i++) {
            const role = play.roles[ris[i]!]!;
            // Per host: under free, each host starts each role on its own.
            if (role.perHost.has(h.name) && !state.get(h.name)!.done) emit({ kind: 'role-start', play: play.play.name, role: role.name, hosts: [h.name] });
            await roleOnHost(play, ris[i]!, h);
            why ??= mustAbort(batch);
          }
        }),
      ),
    );
    return why;
  }

  /** One batch: beforeBatch hooks (linear), the play's roles (its strategy), afterBatch hooks (linear), cluster gates. */
  async function runBatch(
    play: CompiledPlay,
    batch: readonly Host[],
    limit: Limit,
    mustAbort: (b: readonly Host[]) => string | undefined,
  ): Promise<string | undefined> {
    const idx = (hook: CompiledPlay['roles'][number]['hook']) => play.roles.flatMap((r, i) => (r.hook === hook ? [i] : []));
    const changed0 = batch.reduce((n, h) => n + state.get(h.name)!.stats.changed, 0);
    const why =
      (await linear(play, idx('before'), batch, limit, mustAbort)) ??
      (await ((play.play.strategy ?? 'linear') === 'linear' ? linear : free)(play, idx(undefined), batch, limit, mustAbort)) ??
      (await linear(play, idx('after'), batch, limit, mustAbort));
    if (why || !play.play.gates?.length) return why;
    const due = opts.verify === true || batch.reduce((n, h) => n + state.get(h.name)!.stats.changed, 0) > changed0;
    const failed = await passClusterGates({
      play: play.play.name,
      gates: play.play.gates,
      hosts: play.hosts,
      batch,
      cluster,
      mode: opts.mode,
      become: play.play.become ?? false,
      due,
      driver: (name) => {
        // Any inventory host: one outside the run's plays joins it here (claimed, connected once, in the recap).
        const h = all.find((x) => x.name === name) ?? cluster.hosts.find((x) => x.name === name);
        if (!h) return undefined;
        if (!state.has(name)) {
          all.push(h);
          state.set(name, new HostState());
        }
        return driverOf(h, state.get(name)!);
      },
      emit,
      sleep: gateDeps.sleep,
    });
    if (!failed) return undefined;
    for (const h of batch) {
      const st = state.get(h.name)!;
      fail(h, st, failed);
      // Failed outside any role: count it here (the exit code reads the counts).
      st.stats.failed = Math.max(st.stats.failed, 1);
    }
    return failed.message;
  }

  const untouched: string[] = [];
  // Hosts some batch has reached: a run that stops names those it never started on.
  const reached = new Set<string>();
  run: for (const [pi, play] of plays.entries()) {
    emit({ kind: 'play-start', play: play.play.name, hosts: play.hosts.map((h) => h.name) });
    // Hosts that failed or went unreachable in an earlier play sit this one out and do not count against its failure policy.
    const out = new Set(play.hosts.filter((h) => state.get(h.name)!.done).map((h) => h.name));
    const mustAbort = (batch: readonly Host[]) =>
      abortReason(
        play,
        batch.filter((h) => !out.has(h.name)),
      );
    const limit = pLimit(Math.max(1, Math.min(opts.forks ?? Infinity, play.play.throttle ?? Infinity, play.hosts.length || 1)));
    for (const [bi, batch] of play.batches.entries()) {
      for (const h of batch) reached.add(h.name);
      const why = await runBatch(play, batch, limit, mustAbort);
      if (why) {
        const later = [...play.batches.slice(bi + 1).flat(), ...plays.slice(pi + 1).flatMap((p) => p.hosts)];
        untouched.push(...new Set(later.map((h) => h.name).filter((n) => !reached.has(n))));
        emit({ kind: 'play-aborted', play: play.play.name, reason: why, ...(untouched.length ? { untouched } : {}) });
        break run;
      }
    }
  }

  await Promise.all(
    [...state.values()].map(async (st) => {
      const d = await st.driver?.catch(() => undefined);
      // Round trips made outside roles (a cluster gate's commands) count too.
      if (d && st.trips0 !== undefined) st.stats.roundTrips = d.roundTrips - st.trips0;
      await d?.close().catch(() => undefined);
    }),
  );
  const stats: RunStats = {
    hosts: Object.fromEntries(all.map((h) => [h.name, state.get(h.name)!.stats])),
    ms: now() - started,
    ...startup,
    ...(untouched.length ? { untouched } : {}),
  };
  emit({ kind: 'run-end', mode: opts.mode, stats });
  return stats;
}

/** Per host, the queries of every role it will run, in run order (see read-ahead.ts). */
function upcomingQueries(plays: readonly CompiledPlay[]): Map<string, Upcoming[]> {
  const out = new Map<string, Upcoming[]>();
  for (const play of plays) {
    for (const role of play.roles) {
      for (const [name, hr] of role.perHost) {
        // A delegated role asks the host it runs on.
        const host = hr.on?.name ?? name;
        if (!out.has(host)) out.set(host, []);
        out.get(host)!.push({ queries: queriesOf(hr.resources), sudo: play.play.become ?? false });
      }
    }
  }
  return out;
}
