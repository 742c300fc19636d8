/**
 * One role on one host: plan (one round trip), report, apply (one round trip), then the notified handlers
 * and the health gates (only where something changed, unless asked). The handlers and the first attempts
 * of gates that are one command (commandGate) go in the apply's script, so a first install is two round
 * trips; a rolling role's handlers and gates wait for the host's turn and take their own. Check mode stops
 * after reporting. Transport failures propagate (the host becomes unreachable); anything else that fails
 * is returned as the host's failure.
 * Notifications are recorded on the host (the journal, see GroupNotes) by the script that makes the
 * change and cleared by the handler's, so a handler an earlier run did not get to run runs now.
 */
import type { ActResult, HostDriver, Probe, ProbeRuns } from '../core/driver.js';
import { ResourceError, TransportError, tail } from '../core/errors.js';
import type { Cluster, Host } from '../core/model.js';
import type { HostFacts } from '../core/ops.js';
import type { Change, Handler } from '../core/resource.js';
import type { GroupNotes } from '../core/driver.js';
import type { Mode, ResourceStatus } from '../report/events.js';
import type { HostRole } from './compile.js';
import { earlyDelays, passGate, type GateDeps } from './gate.js';
import { FreshStarts } from './fresh-starts.js';
import { journalKey, pendingOf } from './journal.js';
import { applyPlan, plan, type Planned, type Writer } from './pass.js';
import { replayGate, type PlanHook } from './plan/hook.js';
import type { Turn } from './queues.js';

export interface RoleRun {
  readonly host: Host;
  readonly role: string;
  readonly hr: HostRole;
  readonly driver: HostDriver;
  readonly cluster: Cluster;
  readonly mode: Mode;
  readonly become: boolean;
  readonly facts?: HostFacts;
  /** Check mode: state keys earlier roles on this host would change. */
  readonly earlier?: readonly Writer[];
  /** Health gates even when nothing changed (--verify). */
  readonly verify?: boolean;
  /** Runs `f` when it is this host's turn among the play's hosts (rolling roles). */
  readonly turn?: Turn;
  /** Journal keys the host's session found (HostDriver.begin), known once the first query answered. */
  readonly journal?: Promise<readonly string[]>;
  /** Where to count what is reported, as it is reported: the caller keeps the counts however the role ends. */
  readonly counts?: Counts;
  /** Plan files: record (check mode) or replay (apply) this role's plan (see plan/hook.ts). */
  readonly planHook?: PlanHook;
}

export type Counts = Record<'ok' | 'changed' | 'failed' | 'skipped', number>;

export interface RoleResult {
  readonly facts: HostFacts;
  /** State keys this role's changes write (see Plan.writes). */
  readonly writes: readonly Writer[];
  readonly counts: Counts;
  readonly error?: Error;
}

/** A secret resource reports which fields change, never their values. */
const visible = (changes: readonly Change[], secret: boolean | undefined): readonly Change[] =>
  secret ? changes.map((c) => ({ field: c.field, ...(c.part === undefined ? {} : { part: c.part }) })) : changes;

export async function runRole(r: RoleRun, deps: GateDeps): Promise<RoleResult> {
  const counts = r.counts ?? { ok: 0, changed: 0, failed: 0, skipped: 0 };
  const on = r.hr.on ? { on: r.hr.on.name } : {};
  const emit = (p: Planned, status: ResourceStatus, error?: string) => {
    counts[status === 'would-change' ? 'changed' : status]++;
    deps.emit({
      kind: 'resource',
      host: r.host.name,
      role: r.role,
      resource: p.resource.id,
      status,
      changes: visible(p.changes, p.resource.secret),
      ...(p.dependsOn.length && r.mode === 'check' ? { dependsOn: p.dependsOn } : {}),
      ...(p.resource.secret ? { secret: true } : {}),
      ...(error ? { error } : {}),
      ...on,
    });
  };
  const opts = { sudo: r.become };
  const p = await plan(r.driver, r.hr.resources, r.facts, opts, r.earlier);
  const broken = p.planned.find((x) => x.error);
  for (const x of p.planned) {
    if (x.error) emit(x, 'failed', x.error);
    else if (x.changes.length === 0) emit(x, 'ok');
    else if (r.mode === 'check') emit(x, 'would-change');
    // Nothing is applied on a host whose check failed: its pending changes are reported as skipped.
    else if (broken) emit(x, 'skipped');
  }
  if (broken) return { facts: p.facts, writes: p.writes, counts, error: new ResourceError(r.host.name, broken.resource.id, `check failed: ${broken.error}`) };
  // Handlers an earlier run recorded and did not run: due now, as if notified before this apply.
  const pending = pendingOf((await r.journal) ?? [], r.role, Object.keys(r.hr.handlers));
  const notified = new Set([...pending, ...p.planned.filter((x) => x.changes.length).flatMap((x) => x.resource.notify ?? [])]);
  const planKey = r.hr.on ? `${r.role}@${r.hr.on.name}` : r.role;
  if (r.mode === 'check') {
    r.planHook?.record?.(r.host.name, planKey, p);
    for (const h of notified) deps.emit({ kind: 'handler', host: r.host.name, role: r.role, handler: h, status: 'would-change', ...on });
    return { facts: p.facts, writes: p.writes, counts };
  }
  const gate = r.planHook?.replay ? replayGate(r.planHook, r.host.name, planKey, p, r.driver) : undefined;
  if (gate?.refusals.length) {
    const f = gate.refusals[0]!;
    return {
      facts: p.facts,
      writes: p.writes,
      counts,
      error: new ResourceError(r.host.name, f.resource, `refused by the plan: ${gate.refusals.map((x) => `${x.resource}: ${x.why}`).join('; ')}`),
    };
  }
  const fresh = new FreshStarts(r.hr.handlers, p.facts, pending);
  // Handlers and the gates' first attempts go with the last batch, unless the role takes turns for them
  // (rolling) or a plan is replayed (only its recorded groups may be sent).
  const alone = gate !== undefined || (r.hr.rolling && r.turn !== undefined && notified.size > 0);
  let handlerNames: readonly string[] = [];
  const finish = alone
    ? undefined
    : () => {
        const h = handlerBatch(r, fresh.needed());
        handlerNames = h.names;
        return { groups: h.groups, notes: h.notes, probes: earlyProbes(r) };
      };
  const applied = await applyPlan(gate?.driver ?? r.driver, p, opts, (batch) => notesOf(r, batch, fresh), finish);
  if (!applied.failure && gate?.left().length)
    return {
      facts: p.facts,
      writes: p.writes,
      counts,
      error: new ResourceError(
        r.host.name,
        gate.left()[0]!.id,
        'refused by the plan: its planned actions were not applied (checked again after the earlier changes, it had nothing to do)',
      ),
    };
  const STATUS = { changed: 'changed', unchanged: 'ok', failed: 'failed', 'not-run': 'skipped' } as const;
  for (const { planned, outcome } of applied.outcomes) emit(planned, STATUS[outcome], outcome === 'failed' ? applied.failure?.stderr : undefined);
  if (applied.failure) {
    const f = applied.failure;
    return {
      facts: p.facts,
      writes: p.writes,
      counts,
      error: new ResourceError(r.host.name, f.id, `exited ${f.exitCode}: ${tail(f.stderr, 5)}`, f.exitCode, f.stderr),
    };
  }
  const done = applied.finished;
  const settle = async () =>
    done
      ? (reportHandlers(r, handlerNames, done, deps) ??
        (done.ok ? await runGates(r, deps, done.probes) : new ResourceError(r.host.name, 'apply', `exited ${done.exitCode}: ${tail(done.stderr, 5)}`)))
      : ((await runHandlers(r, fresh.needed(), deps)) ?? (applied.outcomes.length || notified.size || r.verify ? await runGates(r, deps) : undefined));
  const error = r.hr.rolling && r.turn && notified.size ? await r.turn(r.host.name, settle) : await settle();
  return { facts: p.facts, writes: p.writes, counts, ...(error ? { error } : {}) };
}

/**
 * Each group records the handlers it notifies in the journal, and forgets those it made needless (it
 * started their unit after their last notifier): what the journal holds after any group is what is due.
 */
function notesOf(r: RoleRun, batch: readonly Planned[], fresh: FreshStarts): Map<number, GroupNotes> {
  const out = new Map<number, GroupNotes>();
  batch.forEach((x, i) => {
    const clear = fresh.step(x).map((h) => journalKey(r.role, h));
    const pend = (x.resource.notify ?? []).filter((h) => h in r.hr.handlers).map((h) => journalKey(r.role, h));
    if (pend.length || clear.length) out.set(i, { ...(pend.length ? { pend } : {}), ...(clear.length ? { clear } : {}) });
  });
  return out;
}

/** Notified handlers (those left with something to do), in the order the role declares them; each group clears its journal entry. */
function handlerBatch(r: RoleRun, todo: Readonly<Record<string, Handler>>) {
  const names = Object.keys(r.hr.handlers).filter((h) => h in todo);
  return { names, groups: names.map((h) => todo[h]!), notes: new Map(names.map((h, i) => [i, { clear: [journalKey(r.role, h)] }])) };
}

/** The handlers in a round trip of their own (when they could not go with the apply). */
async function runHandlers(r: RoleRun, todo: Readonly<Record<string, Handler>>, deps: GateDeps): Promise<Error | undefined> {
  const h = handlerBatch(r, todo);
  if (h.names.length === 0) return undefined;
  return reportHandlers(r, h.names, await r.driver.act(h.groups, { sudo: r.become, notes: h.notes }), deps);
}

/** One event per handler that ran or failed; the failure as the role's error. */
function reportHandlers(r: RoleRun, names: readonly string[], res: ActResult, deps: GateDeps): Error | undefined {
  if (names.length === 0) return undefined;
  names.forEach((handler, i) => {
    const status = res.ok || i < res.failedGroup ? 'changed' : 'failed';
    if (res.ok || i <= res.failedGroup)
      deps.emit({
        kind: 'handler',
        host: r.host.name,
        role: r.role,
        handler,
        status,
        ...(status === 'failed' && !res.ok ? { error: tail(res.stderr, 5) } : {}),
        ...(r.hr.on ? { on: r.hr.on.name } : {}),
      });
  });
  return res.ok
    ? undefined
    : new ResourceError(r.host.name, `handler:${names[res.failedGroup]}`, `exited ${res.exitCode}: ${tail(res.stderr, 5)}`, res.exitCode, res.stderr);
}

const subjectOf = (r: RoleRun) => ({ host: r.host, vars: r.hr.vars, cluster: r.cluster, ...(r.hr.on ? { on: r.hr.on } : {}) });

/** The probes of the role's leading gates that have one (commandGate), to run on the host right after the apply. */
function earlyProbes(r: RoleRun): Probe[] {
  const out: Probe[] = [];
  for (const g of r.hr.gates) {
    const delaysMs = earlyDelays(g);
    if (!delaysMs) break;
    try {
      out.push({ command: g.probe!.command(subjectOf(r)), delaysMs });
    } catch {
      break; // its check will say what is wrong, as a gate failure
    }
  }
  return out;
}

/**
 * Gates run after something changed on this host, so a no-op run stays at one round trip per role.
 * `early`: what the leading gates' probes found with the apply; a gate's is judged only while every gate
 * before it passed on its own (a later probe ran before an earlier gate that needed more attempts passed).
 */
async function runGates(r: RoleRun, deps: GateDeps, early: ProbeRuns = []): Promise<Error | undefined> {
  let fresh = early;
  for (const [k, g] of r.hr.gates.entries()) {
    try {
      const how = await passGate({ gate: g, ...subjectOf(r), role: r.role, driver: r.driver, become: r.become, early: fresh[k] ?? [] }, deps);
      if (how === 'polled') fresh = [];
    } catch (e) {
      if (e instanceof TransportError) throw e;
      return new ResourceError(r.host.name, `gate:${g.name}`, (e as Error).message, undefined, undefined, { cause: e });
    }
  }
  return undefined;
}
