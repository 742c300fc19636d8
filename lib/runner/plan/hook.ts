/**
 * The runner's hook for plan files (RunOptions.plan): check mode records each role's plan; apply mode
 * compares each role's fresh check with the recorded one and sends only the planned groups (guard()).
 */
import type { HostDriver } from '../../core/driver.js';
import type { Plan } from '../pass.js';
import { digestOf } from './digest.js';
import type { RolePlan } from './model.js';
import { compareRole, guard, type Refusal } from './replay.js';

export interface PlanHook {
  /** Check mode: called with each role's plan on each host. */
  readonly record?: (host: string, role: string, p: Plan) => void;
  /** Apply mode: the recorded plan of `role` on `host` (undefined: the plan has none, a refusal). */
  readonly replay?: (host: string, role: string) => RolePlan | undefined;
}

/** Apply mode: the refusals of this role's fresh plan, and the driver to apply it through. */
export function replayGate(
  hook: PlanHook,
  host: string,
  role: string,
  p: Plan,
  driver: HostDriver,
): { refusals: readonly Refusal[]; driver: HostDriver; left: () => readonly { id: string }[] } {
  const recorded = hook.replay!(host, role);
  if (!recorded)
    return { refusals: [{ host, role, resource: p.planned[0]?.resource.id ?? '?', why: 'the plan has no such role on this host' }], driver, left: () => [] };
  const g = guard(
    host,
    driver,
    recorded.resources.filter((r) => r.actions !== digestOf([])),
  );
  return { refusals: compareRole(host, recorded, p), ...g };
}
