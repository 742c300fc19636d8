/**
 * --plan-out FILE (with --check) and --plan FILE (apply): the plan file's sources and the runner hook.
 * The plan records digests of the playbook and inventory files, the -e vars and the compiled resource
 * ids; --plan refuses the whole run, naming what differs, when any of them changed since the plan.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { CompiledPlay } from '../runner/compile.js';
import {
  digestOf,
  PLAN_FORMAT,
  readPlanFile,
  recordRole,
  sourceDiffers,
  writePlanFile,
  type PlanHook,
  type PlanRun,
  type PlanSource,
  type RolePlan,
} from '../runner/plan/index.js';

/** tsplay's version, from its package.json (two levels above this file, in lib/ and in dist/). */
export const tsplayVersion = (): string => (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const fileDigest = (path: string) => digestOf(readFileSync(path).toString('base64'));

/** The run options a plan records (RunFlags' names), so that `tsplay apply PLAN` runs the same. */
export type PlannedFlags = Partial<Pick<PlanRun, 'limit' | 'tags' | 'skipTags' | 'startAt' | 'user' | 'privateKey' | 'askBecomePass'>> & {
  readonly extraVar?: readonly string[];
};

export function planSource(a: {
  version: string;
  playbook: string;
  inventory: string;
  vars: unknown;
  plays: readonly CompiledPlay[];
  flags?: PlannedFlags;
}): PlanSource {
  const ids = a.plays.map((p) => p.roles.map((r) => [r.name, [...r.perHost].map(([h, hr]) => [h, hr.resources.map((x) => x.id)])]));
  const f = a.flags ?? {};
  const run: PlanRun = {
    playbook: resolve(a.playbook),
    inventory: resolve(a.inventory),
    ...(f.limit !== undefined ? { limit: f.limit } : {}),
    ...(f.tags?.length ? { tags: [...f.tags] } : {}),
    ...(f.skipTags?.length ? { skipTags: [...f.skipTags] } : {}),
    ...(f.startAt !== undefined ? { startAt: f.startAt } : {}),
    ...(f.user !== undefined ? { user: f.user } : {}),
    ...(f.privateKey !== undefined ? { privateKey: resolve(f.privateKey) } : {}),
    ...(f.askBecomePass ? { askBecomePass: true } : {}),
    extraVars: (f.extraVar ?? []).length > 0,
  };
  return {
    run,
    tsplay: a.version,
    playbook: { path: a.playbook, digest: fileDigest(a.playbook) },
    inventory: { path: a.inventory, digest: fileDigest(a.inventory) },
    vars: digestOf(a.vars),
    resources: digestOf(ids),
  };
}

/** Check mode: a hook that records, and `save()` that writes the plan file once the run is done. */
export function planRecorder(out: string, source: PlanSource): { hook: PlanHook; save: () => void } {
  const hosts = new Map<string, RolePlan[]>();
  return {
    hook: { record: (host, role, p) => hosts.set(host, [...(hosts.get(host) ?? []), recordRole(role, p)]) },
    save: () => writePlanFile(out, { format: PLAN_FORMAT, source, hosts: [...hosts].map(([host, roles]) => ({ host, roles })) }),
  };
}

/** Apply: the plan file's hook, after refusing a plan made from other sources. */
export function planReplayer(file: string, now: PlanSource): PlanHook {
  const p = readPlanFile(file);
  const differs = sourceDiffers(p.source, now);
  if (differs.length) throw new ConfigError(`the plan was made from something else: ${differs.join('; ')}`, file);
  return { replay: (host, role) => p.hosts.find((h) => h.host === host)?.roles.find((r) => r.role === role) };
}
