/** Reading and writing plan files: written atomically (temp file + rename) and 0600, as a plan names hosts and paths. */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { PLAN_FORMAT, type PlanFile, type PlanSource } from './model.js';

export function writePlanFile(path: string, p: PlanFile): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(p, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, path);
}

export function readPlanFile(path: string): PlanFile {
  const p = JSON.parse(readFileSync(path, 'utf8')) as PlanFile;
  if (p?.format !== PLAN_FORMAT) throw new Error(`${path}: not a tsplay plan file (format ${JSON.stringify(p?.format)}, expected ${PLAN_FORMAT})`);
  return p;
}

/** What differs between the plan's sources and the current ones, by name: empty when the plan applies. */
export function sourceDiffers(planned: PlanSource, now: PlanSource): string[] {
  const out: string[] = [];
  if (planned.tsplay !== now.tsplay) out.push(`tsplay version (plan ${planned.tsplay}, now ${now.tsplay})`);
  for (const k of ['playbook', 'inventory'] as const) {
    if (planned[k].digest !== now[k].digest) out.push(`${k} ${now[k].path} changed since the plan`);
  }
  if (planned.vars !== now.vars) out.push("-e vars differ from the plan's");
  if (planned.resources !== now.resources) out.push("the compiled roles (resource ids or order) differ from the plan's");
  return out;
}
