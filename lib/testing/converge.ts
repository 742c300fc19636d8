/**
 * converge: the test kit's one-liner for the resource contract - check lists every change (`first`),
 * apply converges (`applied`), a second check lists none (`second`). Uses the runner's own plan/apply
 * pass, so a test exercises exactly what a real run does.
 */
import type { HostDriver } from '../core/driver.js';
import type { AnyResource, Change, PrepareContext } from '../core/resource.js';
import { applyPlan, plan, type Applied, type Plan } from '../runner/pass.js';

export interface Converged {
  readonly first: Plan;
  readonly applied: Applied;
  readonly second: Plan;
}

/** A prepare context for tests: apply mode, notes collected in `notes`. */
export function prepareContext(mode: PrepareContext['mode'] = 'apply'): PrepareContext & { readonly notes: string[] } {
  const notes: string[] = [];
  return { mode, notes, note: (step, text) => void notes.push(`${step}: ${text}`) };
}

/** Prepare (controller side), plan, apply, plan again. */
export async function converge(driver: HostDriver, resources: readonly AnyResource[], ctx: PrepareContext = prepareContext()): Promise<Converged> {
  for (const r of resources) await r.prepare?.(ctx);
  const first = await plan(driver, resources);
  const applied = await applyPlan(driver, first);
  const second = await plan(driver, resources, first.facts);
  return { first, applied, second };
}

/** Changes per resource id, only for resources that changed: handy for deepEqual assertions. */
export function changesById(p: Plan): Record<string, readonly Change[]> {
  const errors = p.planned.filter((x) => x.error);
  if (errors.length) throw new Error(`check failed: ${errors.map((x) => `${x.resource.id}: ${x.error}`).join('; ')}`);
  return Object.fromEntries(p.planned.filter((x) => x.changes.length).map((x) => [x.resource.id, x.changes]));
}

/** Resource ids that would change. */
export const changedIds = (p: Plan): string[] => Object.keys(changesById(p));
