/**
 * Run a compiled playbook: plays in order, serial batches (batch.ts), hosts in parallel (p-limit, --forks
 * and the play's throttle) under the play's strategy (strategy/), the failure policy, one connection per
 * host for the whole run (run-hosts.ts), whose first query reads ahead for the host's later roles
 * (read-ahead.ts). The runner never prints: everything it has to say goes out as RunEvents.
 */
import pLimit from 'p-limit';
import type { Cluster, Host } from '../core/model.js';
import { redact } from '../core/secret.js';
import type { RunEvent, RunStats } from '../report/events.js';
import { runBatch } from './batch.js';
import { claims } from './claim.js';
import type { CompiledPlay } from './compile.js';
import type { RunContext, RunDeps, RunOptions } from './context.js';
import { queriesOf } from './pass.js';
import { keyedQueues, rollingTurns } from './queues.js';
import { ChangeSignal, type Upcoming } from './read-ahead.js';
import { RunHosts } from './run-hosts.js';

export type { RunDeps, RunOptions } from './context.js';

export async function runPlaybook(plays: readonly CompiledPlay[], cluster: Cluster, opts: RunOptions, deps: RunDeps): Promise<RunStats> {
  const now = deps.now ?? Date.now;
  const started = now();
  // Error texts (stderr, exception messages) may echo a secret value: scrub them before any reporter sees them.
  const emit = (e: RunEvent): void => deps.reporter.emit('error' in e && e.error ? ({ ...e, error: redact(e.error) } as RunEvent) : e);
  const hosts = new RunHosts({
    hosts: runHosts(plays),
    inventory: cluster.hosts,
    connect: (h) => deps.connect(h),
    claims: claims(plays, opts.mode, opts.lockTimeoutMs),
    upcoming: upcomingQueries(plays),
    changes: new ChangeSignal(),
    emit,
  });
  const ctx: RunContext = {
    cluster,
    opts,
    hosts,
    emit,
    gateDeps: { emit, sleep: deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))) },
    now,
    turn: rollingTurns(),
    door: keyedQueues(),
  };
  const startup = opts.startupMs === undefined ? {} : { startupMs: opts.startupMs };
  emit({ kind: 'run-start', playbook: opts.playbook, mode: opts.mode, diff: opts.diff, hosts: hosts.names, ...startup });

  const untouched: string[] = [];
  // Hosts some batch has reached: a run that stops names those it never started on.
  const reached = new Set<string>();
  run: for (const [index, play] of plays.entries()) {
    emit({ kind: 'play-start', play: play.play.name, hosts: play.hosts.map((h) => h.name) });
    // Hosts that failed or went unreachable in an earlier play sit this one out and do not count against its failure policy.
    const out = new Set(play.hosts.filter((h) => hosts.state(h).done).map((h) => h.name));
    const forks = pLimit(Math.max(1, Math.min(opts.forks ?? Infinity, play.play.throttle ?? Infinity, play.hosts.length || 1)));
    const limit = <T>(f: () => Promise<T>) => forks(f);
    for (const [bi, batch] of play.batches.entries()) {
      for (const h of batch) reached.add(h.name);
      const why = await runBatch(ctx, { play, index, hosts: batch, limit, out });
      if (why) {
        const later = [...play.batches.slice(bi + 1).flat(), ...plays.slice(index + 1).flatMap((p) => p.hosts)];
        untouched.push(...new Set(later.map((h) => h.name).filter((n) => !reached.has(n))));
        emit({ kind: 'play-aborted', play: play.play.name, reason: why, ...(untouched.length ? { untouched } : {}) });
        break run;
      }
    }
  }

  await hosts.close();
  const stats: RunStats = { hosts: hosts.stats(), ms: now() - started, ...startup, ...(untouched.length ? { untouched } : {}) };
  emit({ kind: 'run-end', mode: opts.mode, stats });
  return stats;
}

/** The plays' hosts, then hosts that only delegated roles run on (they connect, and appear in the recap). */
function runHosts(plays: readonly CompiledPlay[]): Host[] {
  const delegates = plays.flatMap((p) => p.roles.flatMap((r) => [...r.perHost.values()].flatMap((hr) => (hr.on ? [hr.on] : []))));
  return [...new Map([...plays.flatMap((p) => p.hosts), ...delegates].map((h) => [h.name, h] as const)).values()];
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
