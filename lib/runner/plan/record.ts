/** Turning a check-mode Plan (runner/pass.ts) into the plan file's records. */
import type { Plan, Planned } from '../pass.js';
import { digestOf, storable } from './digest.js';
import type { ResourcePlan, RolePlan } from './model.js';

/** The actions a planned resource would send: apply() is pure, so check mode can compute them. */
export const actionsOf = (p: Planned, facts: Plan['facts']): readonly unknown[] => (p.changes.length ? p.resource.apply(p.answers, facts, p.changes) : []);

export function recordResource(p: Planned, facts: Plan['facts']): ResourcePlan {
  if (p.error) throw new Error(`cannot record a plan: ${p.resource.id} failed its check: ${p.error}`);
  const actions = actionsOf(p, facts);
  return {
    id: p.resource.id,
    answers: digestOf(p.answers),
    actions: digestOf(actions),
    ...(p.resource.secret ? { secret: true as const } : { list: storable(actions) as unknown[] }),
    ...(p.dependsOn.length ? { dependsOn: p.dependsOn } : {}),
  };
}

export const recordRole = (role: string, p: Plan): RolePlan => ({ role, resources: p.planned.map((x) => recordResource(x, p.facts)) });
