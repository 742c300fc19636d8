/**
 * One role on one host, the two round trips that make tsplay fast: read the state of every resource in
 * ONE query batch (host facts ride along the first time), check each resource locally (pure), then send
 * every change in ONE action batch. Shared by the runner and the test kit's `converge`.
 */
import type { ActOptions, HostDriver } from '../core/driver.js';
import type { HostFacts, Query } from '../core/ops.js';
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

/**
 * Query and check `resources`; `facts` are gathered in the same round trip when not given. `earlier`:
 * what earlier roles would change (check mode), so that a check reading it is marked as dependent too.
 */
export async function plan(driver: HostDriver, resources: readonly AnyResource[], facts?: HostFacts, opts: ActOptions = {}, earlier: readonly Writer[] = []): Promise<Plan> {
  const queries = resources.flatMap((r) => r.queries.map((t: { query: Query }) => t.query));
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

export type Outcome = 'changed' | 'failed' | 'not-run';

export interface Applied {
  readonly outcomes: readonly { readonly planned: Planned; readonly outcome: Outcome }[];
  /** Set when a group failed: its exit code and stderr tail. */
  readonly failure?: { readonly id: string; readonly exitCode: number; readonly stderr: string };
}

/** Apply every planned change in one batch; the first failing resource stops the rest. */
export async function applyPlan(driver: HostDriver, p: Plan, opts: ActOptions = {}): Promise<Applied> {
  const todo = p.planned.filter((x) => x.changes.length > 0 && !x.error);
  if (todo.length === 0) return { outcomes: [] };
  const groups = todo.map((x) => x.resource.apply(x.answers, p.facts, x.changes));
  const res = await driver.act(groups, opts);
  const failedAt = res.ok ? todo.length : res.failedGroup;
  const outcomes = todo.map((planned, i) => ({ planned, outcome: (i < failedAt ? 'changed' : i === failedAt ? 'failed' : 'not-run') as Outcome }));
  if (res.ok) return { outcomes };
  return { outcomes, failure: { id: todo[failedAt]?.resource.id ?? '?', exitCode: res.exitCode, stderr: res.stderr } };
}
