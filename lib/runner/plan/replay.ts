/**
 * `tsplay apply plan.json`, one role on one host: check again, refuse wherever the state drifted since the
 * plan, else apply exactly the planned actions.
 * The honest edge: a resource whose check read an earlier would-change (dependsOn) could not know its
 * answers at plan time, so its answers are not compared; its fresh actions, checked once the earlier ones
 * applied (a later role, or applyPlan's re-check within a role), must equal the planned ones, or the host
 * stops with an error naming it. Every group sent is compared with the plan before it leaves (guard()).
 */
import type { ActOptions, HostDriver } from '../../core/driver.js';
import type { HostFacts } from '../../core/ops.js';
import type { AnyResource } from '../../core/resource.js';
import { applyPlan, plan, type Applied, type NotesOf, type Plan } from '../pass.js';
import { digestOf } from './digest.js';
import type { ResourcePlan, RolePlan } from './model.js';
import { actionsOf } from './record.js';

const NOTHING = digestOf([]);

/** A resource where the host or the roles no longer match the plan. */
export interface Refusal {
  readonly host: string;
  readonly role: string;
  readonly resource: string;
  readonly why: string;
}

export class PlanDeviation extends Error {
  constructor(
    readonly host: string,
    readonly resource: string,
    why: string,
  ) {
    super(`${host}: ${resource}: ${why}; nothing more was applied on this host`);
  }
}

export interface Replayed {
  readonly refusals: readonly Refusal[];
  readonly plan?: Plan;
  readonly applied?: Applied;
}

/** Compare a fresh check with the recorded one; an empty list means the plan still holds. */
export function compareRole(host: string, recorded: RolePlan, fresh: Plan): Refusal[] {
  const role = recorded.role;
  const ids = fresh.planned.map((x) => x.resource.id);
  const was = recorded.resources.map((r) => r.id);
  if (ids.join('\n') !== was.join('\n')) {
    const extra = ids.filter((i) => !was.includes(i)),
      gone = was.filter((i) => !ids.includes(i));
    return [
      {
        host,
        role,
        resource: [...extra, ...gone][0] ?? ids.find((id, i) => id !== was[i]) ?? '?',
        why: `the role's resources differ from the plan's (new: ${extra.join(', ') || 'none'}; gone: ${gone.join(', ') || 'none'}; else order)`,
      },
    ];
  }
  const out: Refusal[] = [];
  for (const [i, x] of fresh.planned.entries()) {
    const r = recorded.resources[i]!;
    const at = { host, role, resource: r.id };
    if (x.error) {
      out.push({ ...at, why: `check failed: ${x.error}` });
      continue;
    }
    if (!r.dependsOn && digestOf(x.answers) !== r.answers) {
      out.push({ ...at, why: `state drifted since the plan (answers digest ${r.answers.slice(0, 19)}… is now ${digestOf(x.answers).slice(0, 19)}…)` });
      continue;
    }
    const now = digestOf(actionsOf(x, fresh.facts));
    if (now !== r.actions)
      out.push({ ...at, why: `its actions differ from the planned ones${r.dependsOn ? ` (checked after ${r.dependsOn.join(', ')})` : ''}` });
  }
  return out;
}

/** A driver whose act() sends only the planned groups, in the planned order, and refuses any other. */
export function guard(host: string, driver: HostDriver, expected: readonly ResourcePlan[]): { driver: HostDriver; left: () => readonly ResourcePlan[] } {
  let at = 0;
  const act: HostDriver['act'] = async (groups, opts) => {
    groups.forEach((g, i) => {
      const want = expected[at + i];
      if (!want) throw new PlanDeviation(host, '?', 'an action group the plan does not have');
      if (digestOf(g) !== want.actions)
        throw new PlanDeviation(host, want.id, 'its actions, checked again after the earlier changes, differ from the planned ones');
    });
    at += groups.length;
    return driver.act(groups, opts);
  };
  return { driver: new Proxy(driver, { get: (t, k) => (k === 'act' ? act : Reflect.get(t, k, t)) }), left: () => expected.slice(at) };
}

/**
 * Check `resources` again, compare with `recorded`, and apply exactly the planned actions when every
 * resource matches. Refusals come back (nothing applied); a deviation mid-apply throws PlanDeviation.
 */
export async function replayRole(a: {
  host: string;
  driver: HostDriver;
  resources: readonly AnyResource[];
  recorded: RolePlan;
  facts?: HostFacts;
  opts?: ActOptions;
  notes?: NotesOf;
}): Promise<Replayed> {
  const fresh = await plan(a.driver, a.resources, a.facts, a.opts ?? {});
  const refusals = compareRole(a.host, a.recorded, fresh);
  if (refusals.length) return { refusals, plan: fresh };
  const g = guard(
    a.host,
    a.driver,
    a.recorded.resources.filter((r) => r.actions !== NOTHING),
  );
  const applied = await applyPlan(g.driver, fresh, a.opts ?? {}, a.notes);
  const left = g.left();
  if (!applied.failure && left.length)
    throw new PlanDeviation(a.host, left[0]!.id, 'its planned actions were not applied: checked again after the earlier changes, it had nothing to do');
  return { refusals: [], plan: fresh, applied };
}
