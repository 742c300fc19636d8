/**
 * The project's other roles: every role exported by `roles/<name>/index.{ts,js}` in the nearest directory
 * above the playbook that has a roles/ folder. An inventory shared by several playbooks (site.ts and
 * sample.ts) holds plain vars that only the other playbooks' roles read; those are not errors, while a var
 * that no role of the project reads is. Loaded only when the inventory has a plain var that the
 * playbook's own roles do not read, so a run whose vars all belong to it imports nothing more.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { InventorySpec } from '../dsl/inventory.js';
import { roleUse, type Playbook } from '../dsl/playbook.js';
import { varsRead, type Role } from '../dsl/role.js';
import { userModuleURL } from './load-module.js';

/** Roles of the project that `pb` does not use; [] when every plain inventory var is the playbook's own. */
export async function otherRoles(playbookFile: string, pb: Playbook, spec: InventorySpec): Promise<Role<object>[]> {
  const mine = pb.plays.flatMap((p) => p.roles.map((r) => roleUse(r).role));
  const known = new Set(mine.flatMap((r) => [r.name, ...varsRead(r)]));
  const plain = [spec.vars, ...Object.values(spec.groups ?? {}).map((g) => g.vars), ...Object.values(spec.hosts).map((h) => h.vars)].flatMap((v) =>
    Object.keys(v ?? {}),
  );
  if (plain.every((k) => known.has(k))) return [];
  const dir = rolesDir(dirname(resolve(playbookFile)));
  if (!dir) return [];
  const names = new Set(mine.map((r) => r.name));
  return (await projectRoles(dir)).filter((r) => !names.has(r.name));
}

/** The nearest `roles` directory at or above `from`. */
export function rolesDir(from: string): string | undefined {
  for (let d = from; ; d = dirname(d)) {
    const candidate = join(d, 'roles');
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    if (dirname(d) === d) return undefined;
  }
}

const isRole = (x: unknown): x is Role<object> =>
  typeof x === 'object' &&
  x !== null &&
  typeof (x as Role).name === 'string' &&
  typeof (x as Role).defaults === 'object' &&
  typeof (x as Role).resources === 'function';

/** Every role exported by `dir/<name>/index.{ts,js}`; a module that fails to load is skipped (its playbook reports that). */
export async function projectRoles(dir: string): Promise<Role<object>[]> {
  const modules = readdirSync(dir)
    .map((name) => ['index.ts', 'index.js'].map((f) => join(dir, name, f)).find((f) => existsSync(f)))
    .filter((f): f is string => f !== undefined);
  const loaded = await Promise.all(
    modules.map((f) =>
      import(userModuleURL(f)).then(
        (m: Record<string, unknown>) => Object.values(m),
        () => [],
      ),
    ),
  );
  return [
    ...new Map(
      loaded
        .flat()
        .filter(isRole)
        .map((r) => [r.name, r]),
    ).values(),
  ];
}
