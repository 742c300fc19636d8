/**
 * One serial batch of a play: its beforeBatch hooks (linear), the play's roles (its strategy), its
 * afterBatch hooks (linear), then the play's cluster gates; and the failure policy that may stop the play.
 */
import type { Host } from '../core/model.js';
import { passClusterGates } from './cluster-gate.js';
import type { CompiledPlay } from './compile.js';
import type { RunContext } from './context.js';
import type { Queue } from './queues.js';
import { roleOnHost } from './role-on-host.js';
import { STRATEGIES, type Strategy } from './strategy/index.js';

export interface Batch {
  readonly play: CompiledPlay;
  /** The play's index in the run (its roles' turn queues are keyed by it). */
  readonly index: number;
  readonly hosts: readonly Host[];
  readonly limit: Queue;
  /** Hosts that were out before the play began: they do not count against its failure policy. */
  readonly out: ReadonlySet<string>;
}

/** Resolves with why the play (and so the run) stops after this batch, or undefined. */
export async function runBatch(ctx: RunContext, b: Batch): Promise<string | undefined> {
  const { play } = b;
  const done = (h: Host) => ctx.hosts.state(h).done;
  // Hosts out before the play began do not count against its failure policy.
  const counted = b.hosts.filter((h) => !b.out.has(h.name));
  const changed = () => b.hosts.reduce((n, h) => n + ctx.hosts.state(h).stats.changed, 0);
  const step = (strategy: Strategy, hook: CompiledPlay['roles'][number]['hook']) =>
    strategy({
      play,
      roles: play.roles.flatMap((r, i) => (r.hook === hook ? [i] : [])),
      batch: b.hosts,
      limit: b.limit,
      run: (ri, host) => roleOnHost(ctx, { play, key: `${b.index}:${ri}`, role: play.roles[ri]!, host }),
      done,
      mustAbort: () => abortReason(play, counted, done),
      emit: ctx.emit,
    });
  const changed0 = changed();
  const why =
    (await step(STRATEGIES.linear, 'before')) ??
    (await step(STRATEGIES[play.play.strategy ?? 'linear'], undefined)) ??
    (await step(STRATEGIES.linear, 'after'));
  if (why || !play.play.gates?.length) return why;
  const failed = await passClusterGates({
    play: play.play.name,
    gates: play.play.gates,
    hosts: play.hosts,
    batch: b.hosts,
    cluster: ctx.cluster,
    mode: ctx.opts.mode,
    become: play.play.become ?? false,
    due: ctx.opts.verify === true || changed() > changed0,
    // Any inventory host: one outside the run's plays joins it here (claimed, connected once, in the recap).
    driver: (name) => {
      const h = ctx.hosts.find(name);
      return h ? ctx.hosts.driverOf(h) : undefined;
    },
    emit: ctx.emit,
    sleep: ctx.gateDeps.sleep,
  });
  if (!failed) return undefined;
  for (const h of b.hosts) {
    ctx.hosts.fail(h, failed);
    // Failed outside any role: count it here (the exit code reads the counts).
    const st = ctx.hosts.state(h);
    st.stats.failed = Math.max(st.stats.failed, 1);
  }
  return failed.message;
}

/** Why the failure policy stops the play after this batch step, if it does. */
export function abortReason(play: CompiledPlay, batch: readonly Host[], done: (h: Host) => boolean): string | undefined {
  const bad = batch.filter(done).length;
  if (bad === 0) return undefined;
  if (play.play.anyErrorsFatal) return `${bad} host(s) failed and anyErrorsFatal is set`;
  const pct = (bad * 100) / batch.length;
  if (play.play.maxFailPercent !== undefined && pct > play.play.maxFailPercent)
    return `${pct.toFixed(0)}% of the batch failed (maxFailPercent ${play.play.maxFailPercent})`;
  if (bad === batch.length) return 'every host of the batch failed';
  return undefined;
}
