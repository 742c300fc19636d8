/**
 * `tsplay apply PLAN`: the run a plan file records (`tsplay run PLAYBOOK -i INV --check --plan-out PLAN`),
 * applied with `--plan PLAN`: the same playbook, inventory, --limit, --tags, --skip-tags, --start-at, -u,
 * --private-key and -K, read from the plan, so the checks are run --plan's own (another version of the
 * playbook, inventory, tsplay or -e vars is refused, and so is every host that drifted). -e vars are kept as a
 * digest only (they may be secrets): they are given again. Loaded when `apply` runs.
 */
import { existsSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import { shown } from '../inventory/load-module.js';
import { readPlanFile, type PlanRun } from '../runner/plan/index.js';
import type { RunFlags } from './program.js';

/** What `apply` takes on its own command line: how to run and report, never what to run. */
export type ApplyFlags = Omit<
  RunFlags,
  'inventory' | 'check' | 'planOut' | 'plan' | 'limit' | 'tags' | 'skipTags' | 'startAt' | 'listHosts' | 'listTasks' | 'listTags'
>;

/** The playbook and the run's flags the plan recorded, with `flags` for the rest. Throws naming the plan file. */
export function applyFlags(planFile: string, flags: ApplyFlags): { playbook: string; flags: RunFlags } {
  const at = shown(planFile);
  if (!existsSync(planFile)) throw new ConfigError('plan file not found', at);
  let run: PlanRun | undefined;
  try {
    run = readPlanFile(planFile).source.run;
  } catch (e) {
    throw new ConfigError((e as Error).message.replace(`${planFile}: `, ''), at, { cause: e });
  }
  if (!run)
    throw new ConfigError(
      'the plan does not name its playbook and inventory (an older tsplay made it): apply it with `tsplay run PLAYBOOK -i INV --plan FILE`',
      at,
    );
  for (const [what, path] of [
    ['playbook', run.playbook],
    ['inventory', run.inventory],
  ] as const)
    if (!existsSync(path)) throw new ConfigError(`the plan's ${what} ${shown(path)} is not there any more`, at);
  if (run.extraVars && flags.extraVar.length === 0)
    throw new ConfigError('the plan was made with -e vars: give the same -e again (only their digest is kept)', at);
  return {
    playbook: run.playbook,
    flags: {
      ...flags,
      inventory: run.inventory,
      plan: planFile,
      ...(run.limit !== undefined ? { limit: run.limit } : {}),
      ...(run.tags ? { tags: [...run.tags] } : {}),
      ...(run.skipTags ? { skipTags: [...run.skipTags] } : {}),
      ...(run.startAt !== undefined ? { startAt: run.startAt } : {}),
      ...(flags.user === undefined && run.user !== undefined ? { user: run.user } : {}),
      ...(flags.privateKey === undefined && run.privateKey !== undefined ? { privateKey: run.privateKey } : {}),
      ...(run.askBecomePass ? { askBecomePass: true } : {}),
    },
  };
}
