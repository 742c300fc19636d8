/**
 * One role on one host, the two round trips that make tsplay fast: read the state of every resource in
 * ONE query batch (host facts ride along the first time), check each resource locally (pure), then send
 * every change in ONE action batch. Shared by the runner and the test kit's `converge`.
 */
import type { ActOptions, ActResult, GroupNotes, HostDriver, Probe } from '../core/driver.js';
import type { Action, HostFacts, Query } from '../core/ops.js';
import type { AnyResource, Change } from '../core/resource.js';

export interface Planned {
  readonly resource: AnyResource;
  readonly answers: readonly unknown[];
  readonly changes: readonly Change[];
  /** Ids of earlier changing resources whose writes this one reads: its check may be stale. */
  readonly dependsOn: readonly string[];
  /** check threw: a bug in the resource or an answer it cannot use. */
  readonly error?: string;
}

/** A state key a changing resource writes (`path:/etc/x`), and that resource's id. */
export interface Writer {
  readonly key: string;
  readonly id: string;
}

export interface Plan {
  readonly facts: HostFacts;
  readonly planned: readonly Planned[];
  /** What this plan's changes write: check mode hands them to later roles, whose checks may depend on them. */
  readonly writes: readonly Writer[];
}

const FACTS: Query = { q: 'facts' };

/** The queries of `resources`, in order: what one plan asks the host. */
export const queriesOf = (resources: readonly AnyResource[]): Query[] => resources.flatMap((r) => r.queries.map((t: { query: Query }) => t.query));

/**
 * Query and check `resources`; `facts` are gathered in the same round trip when not given. `earlier`:
 * what earlier roles would change (check mode), so that a check reading it is marked as dependent too.
 */
export async function plan(
  driver: HostDriver,
  resources: readonly AnyResource[],
  facts?: HostFacts,
  opts: ActOptions = {},
  earlier: readonly Writer[] = [],
): Promise<Plan> {
  const queries = queriesOf(resources);
  const answers = await driver.query(facts ? queries : [FACTS, ...queries], opts);
  const hostFacts = facts ?? (answers.shift() as HostFacts);
  const writers: Writer[] = [...earlier];
  let at = 0;
  const planned = resources.map((resource) => {
    const mine = answers.slice(at, (at += resource.queries.length));
    const p = checkOne(resource, mine, hostFacts, writers);
    if (p.changes.length > 0) for (const key of resource.writes ?? []) writers.push({ key, id: resource.id });
    return p;
  });
  return { facts: hostFacts, planned, writes: writers.slice(earlier.length) };
}

function checkOne(resource: AnyResource, answers: unknown[], facts: HostFacts, writers: readonly Writer[]): Planned {
  try {
    const changes = resource.check(answers, facts);
    const dependsOn = changes.length > 0 ? dependencies(resource.reads ?? [], writers) : [];
    return { resource, answers, changes, dependsOn };
  } catch (e) {
    return { resource, answers, changes: [], dependsOn: [], error: (e as Error).message };
  }
}

/** A read of `path:/a/b` depends on a write of `path:/a/b` or of a parent such as `path:/a`. */
function dependencies(reads: readonly string[], writers: readonly Writer[]): string[] {
  const hit = (r: string, w: string) => r === w || r.startsWith(w.endsWith('/') ? w : `${w}/`);
  return [...new Set(writers.filter((w) => reads.some((r) => hit(r, w.key))).map((w) => w.id))];
}

export type Outcome = 'changed' | 'unchanged' | 'failed' | 'not-run';

export interface Applied {
  readonly outcomes: readonly { readonly planned: Planned; readonly outcome: Outcome }[];
  /** Set when a group failed: its exit code and stderr tail. */
  readonly failure?: { readonly id: string; readonly exitCode: number; readonly stderr: string };
  /** When every change applied and a Finish went with the last batch: how its groups ended (group indexes its own) and what its probes found. */
  readonly finished?: ActResult;
}

/** What the last batch carries after its changes: more groups (the handlers) with their journal notes, then probes. */
export interface Finish {
  readonly groups: readonly (readonly Action[])[];
  readonly notes?: ReadonlyMap<number, GroupNotes>;
  readonly probes?: readonly Probe[];
}

/** The Finish for the last batch, asked once that batch's notes are made (they tell which handlers are left to run). */
export type FinishOf = (lastBatch: readonly Planned[]) => Finish | undefined;

/**
 * Index of the first change that reads a path an earlier change of the batch writes: it was checked
 * against the file as it was, and resources that edit a file (line, a shared sysctl file) write it whole,
 * so it must be checked again once that write is done, or the later edit would undo the earlier one.
 */
function firstStale(todo: readonly Planned[]): number {
  const written = new Set<string>();
  for (const [i, x] of todo.entries()) {
    if ((x.resource.reads ?? []).some((k) => written.has(k))) return i;
    for (const k of x.resource.writes ?? []) if (k.startsWith('path:')) written.add(k);
  }
  return todo.length;
}

/** Journal notes for a batch about to be applied, by index in the batch (see GroupNotes). */
export type NotesOf = (batch: readonly Planned[]) => ReadonlyMap<number, GroupNotes>;

/**
 * Apply every planned change in one batch; the first failing resource stops the rest. Only when a change
 * reads a path an earlier change writes is the batch split there, and the rest checked again first.
 * `notes`: what each group writes to the host's pending-handler journal as it succeeds. `finish`: what
 * the last batch carries after its changes (handlers, probes), so that they cost no round trip of their own.
 */
export async function applyPlan(driver: HostDriver, p: Plan, opts: ActOptions = {}, notes?: NotesOf, finish?: FinishOf): Promise<Applied> {
  const outcomes: { planned: Planned; outcome: Outcome }[] = [];
  let todo = p.planned.filter((x) => x.changes.length > 0 && !x.error);
  while (todo.length > 0) {
    const cut = firstStale(todo);
    const batch = todo.slice(0, cut);
    const n = new Map(notes?.(batch));
    const f = cut === todo.length ? finish?.(batch) : undefined;
    for (const [i, note] of f?.notes ?? []) n.set(batch.length + i, note);
    const res = await driver.act([...batch.map((x) => x.resource.apply(x.answers, p.facts, x.changes)), ...(f?.groups ?? [])], {
      ...opts,
      ...(n.size ? { notes: n } : {}),
      ...(f?.probes?.length ? { probes: f.probes } : {}),
    });
    const failedAt = res.ok ? batch.length : Math.min(res.failedGroup, batch.length);
    for (const [i, planned] of batch.entries()) outcomes.push({ planned, outcome: i < failedAt ? 'changed' : i === failedAt ? 'failed' : 'not-run' });
    if (!res.ok && res.failedGroup < batch.length) {
      for (const planned of todo.slice(cut)) outcomes.push({ planned, outcome: 'not-run' });
      return { outcomes, failure: { id: batch[failedAt]?.resource.id ?? '?', exitCode: res.exitCode, stderr: res.stderr } };
    }
    if (f) return { outcomes, finished: res.ok ? res : { ...res, failedGroup: res.failedGroup - batch.length } };
    if (cut === todo.length) break;
    const again = await plan(
      driver,
      todo.slice(cut).map((x) => x.resource),
      p.facts,
      opts,
    );
    const broken = again.planned.find((x) => x.error);
    if (broken) {
      for (const planned of again.planned) outcomes.push({ planned, outcome: planned === broken ? 'failed' : 'not-run' });
      return { outcomes, failure: { id: broken.resource.id, exitCode: 1, stderr: `check after an earlier change to the same file failed: ${broken.error}` } };
    }
    for (const planned of again.planned) if (planned.changes.length === 0) outcomes.push({ planned, outcome: 'unchanged' });
    todo = again.planned.filter((x) => x.changes.length > 0);
  }
  return { outcomes };
}
