/**
 * Vars that nothing reads are refused before any host is touched: a misspelt var would otherwise run
 * without a word, with the default in its place. Checked against what the roles know (their defaults'
 * keys and their `sharedVars`, such as the cluster-wide ones):
 * - a play's overrides and `-e`: the role's own vars (shared vars come from the inventory, not from there);
 * - inventory vars under a role's name (`webapp: {...}`): that role's own vars;
 * - plain inventory vars: any role of the playbook, or of the project's other roles (`otherRoles`: an
 *   inventory shared by several playbooks holds vars only the others read).
 * Engine vars (core/engine-vars.ts, such as artifact_mirror) are tsplay's own: fine in -e and at any level of
 * the inventory, each value checked where it is set. Pure.
 */
import { didYouMean } from '../core/did-you-mean.js';
import { ENGINE_VARS, isEngineVar } from '../core/engine-vars.js';
import { ConfigError } from '../core/errors.js';
import type { InventorySpec } from '../dsl/inventory.js';
import { playRoles, type Playbook } from '../dsl/playbook.js';
import { varsRead, type Role } from '../dsl/role.js';

export interface VarSources {
  /** The playbook file, as errors name it. */
  readonly playbook: string;
  readonly inventory?: { readonly spec: InventorySpec; readonly file: string };
  readonly extraVars: Readonly<Record<string, string>>;
  /** The project's roles outside this playbook; their vars and names are fine as plain inventory vars. */
  readonly otherRoles?: readonly Role<object>[];
}

type Vars = Readonly<Record<string, unknown>>;

const own = (r: Role<object>): readonly string[] => Object.keys(r.defaults);
const isVars = (v: unknown): v is Vars => typeof v === 'object' && v !== null && !Array.isArray(v);
const SHARED_HINT = " It is read from the inventory (a shared var): set it in the inventory's vars.";
const ENGINE = Object.keys(ENGINE_VARS);
/** What is wrong with an engine var's value, as `k: problem`, if anything. */
const engineProblem = (k: string, v: unknown): string | undefined => {
  const p = ENGINE_VARS[k]?.(v);
  return p === undefined ? undefined : `${k}: ${p}`;
};

export function refuseUnknownVars(pb: Playbook, src: VarSources): void {
  const uses = pb.plays.flatMap((play, i) => playRoles(play).map((use) => ({ play, i, use })));
  const roles = new Map(uses.map(({ use }) => [use.role.name, use.role]));
  const shared = new Set([...roles.values()].flatMap((r) => r.sharedVars ?? []));
  for (const { play, i, use } of uses) {
    const keys = own(use.role);
    for (const k of Object.keys(use.vars)) {
      if (keys.includes(k)) continue;
      const hint = shared.has(k) ? SHARED_HINT : didYouMean(k, keys);
      throw new ConfigError(`role ${use.role.name} has no var "${k}".${hint}`, `${src.playbook}: play ${i + 1} "${play.name}", role ${use.role.name}`);
    }
  }
  const settable = new Set([...roles.values()].flatMap(own));
  for (const [k, v] of Object.entries(src.extraVars)) {
    if (isEngineVar(k)) {
      const problem = ENGINE_VARS[k]!(v);
      if (problem) throw new ConfigError(problem, `-e ${k}`);
      continue;
    }
    if (settable.has(k)) continue;
    const hint = shared.has(k) ? SHARED_HINT : didYouMean(k, [...settable, ...ENGINE]);
    throw new ConfigError(`no role in this playbook has a var "${k}".${hint}`, `-e ${k}`);
  }
  if (src.inventory) refuseUnknownInventoryVars(src.inventory, roles, src.otherRoles ?? []);
}

/** Where an inventory sets vars, in inventory order, named as errors say it. */
function sources(spec: InventorySpec): { where: string; vars: Vars }[] {
  return [
    { where: 'global vars', vars: spec.vars ?? {} },
    ...Object.entries(spec.groups ?? {}).map(([g, e]) => ({ where: `group ${g}`, vars: e.vars ?? {} })),
    ...Object.entries(spec.hosts).map(([h, e]) => ({ where: `host ${h}`, vars: e.vars ?? {} })),
  ];
}

function refuseUnknownInventoryVars(
  inv: { spec: InventorySpec; file: string },
  roles: ReadonlyMap<string, Role<object>>,
  others: readonly Role<object>[],
): void {
  const plain = new Set([...roles.values()].flatMap(varsRead));
  const elsewhere = new Set(others.flatMap((r) => [r.name, ...varsRead(r)]));
  const known = [...plain, ...roles.keys(), ...elsewhere, ...ENGINE];
  const problems: string[] = [];
  let badValues = 0;
  for (const { where, vars } of sources(inv.spec)) {
    for (const [k, v] of Object.entries(vars)) {
      const role = roles.get(k);
      const problem = isEngineVar(k) ? engineProblem(k, v) : undefined;
      if (problem) {
        problems.push(`${where}: ${problem}`);
        badValues++;
      } else if (isEngineVar(k)) continue;
      else if (role) problems.push(...scoped(where, role, v, roles));
      else if (!plain.has(k) && !elsewhere.has(k)) {
        const readers = others.length > 0 ? 'no role of this playbook or of the project reads it' : 'no role of this playbook reads it';
        problems.push(`${where}: unknown var "${k}" (${readers}).${didYouMean(k, known)}`);
      }
    }
  }
  if (problems.length === 1) throw new ConfigError(problems[0]!, inv.file);
  if (problems.length > 1)
    throw new ConfigError(`${problems.length} ${badValues ? 'problems with vars' : 'unknown vars'}:\n${problems.map((p) => `  ${p}`).join('\n')}`, inv.file);
}

/** Vars under a role's name are that role's own: a var of another role, or a shared one, does nothing there. */
function scoped(where: string, role: Role<object>, value: unknown, roles: ReadonlyMap<string, Role<object>>): string[] {
  if (!isVars(value)) return [`${where}: ${role.name}: expected an object of role ${role.name}'s vars`];
  const keys = own(role);
  return Object.keys(value)
    .filter((k) => !keys.includes(k))
    .map((k) => {
      const owner = [...roles.values()].find((r) => r !== role && varsRead(r).includes(k));
      const hint = isEngineVar(k)
        ? ` "${k}" is read by tsplay itself, per host: set it at the top level or in a group's or a host's vars.`
        : role.sharedVars?.includes(k)
          ? ` "${k}" is a shared var: set it at the top level, where every role that reads it looks.`
          : owner
            ? ` "${k}" is read by role ${owner.name}: set it at the top level${own(owner).includes(k) ? ` or under ${owner.name}` : ''}.`
            : didYouMean(k, keys);
      return `${where}: ${role.name}.${k}: role ${role.name} has no var "${k}".${hint}`;
    });
}
