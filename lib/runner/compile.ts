/**
 * Compile a playbook against an inventory before any host is touched: select hosts, split batches, merge
 * and validate vars, build every resource list, filter by tags, and reject unknown tags, vars that nothing
 * reads and handlers with "did you mean". Everything that can be wrong with the input fails here. Pure.
 */
import { didYouMean } from '../core/did-you-mean.js';
import { ConfigError } from '../core/errors.js';
import type { Cluster, Host } from '../core/model.js';
import type { AnyResource, Handler } from '../core/resource.js';
import type { InventorySpec } from '../dsl/inventory.js';
import { playRoles, type Play, type Playbook, type RoleUse } from '../dsl/playbook.js';
import type { Gate, Role } from '../dsl/role.js';
import { building } from './role-build.js';
import { batches } from './serial.js';
import { selected, type TagFilter } from './tags.js';
import { refuseUnknownVars } from './unknown-vars.js';
import { artifactMirrorOf, roleVars } from './vars.js';

export interface Selector {
  select(pattern: string): readonly Host[];
  /** Narrow hosts to those matching a --limit pattern. */
  limit(hosts: readonly Host[], pattern: string): readonly Host[];
  readonly cluster: Cluster;
  /** The inventory as written, and its file: its vars are checked against what the roles read. */
  readonly inventory?: { readonly spec: InventorySpec; readonly file: string };
}

export interface CompileOptions extends TagFilter {
  readonly limit?: string;
  readonly extraVars: Readonly<Record<string, string>>;
  /** The playbook file, as errors name it. */
  readonly playbook?: string;
  /** The project's roles that this playbook does not use: plain inventory vars only they read are fine. */
  readonly otherRoles?: readonly Role<object>[];
}

export interface HostRole {
  readonly vars: Readonly<Record<string, unknown>>;
  readonly resources: readonly AnyResource[];
  readonly handlers: Readonly<Record<string, Handler>>;
  readonly gates: readonly Gate<object>[];
  /** Handlers and gates take turns across hosts (Role.rolling). */
  readonly rolling?: boolean;
  /** The host this role runs on instead (RoleUse.delegateTo), when it is another one. */
  readonly on?: Host;
  /** The base URL the host it runs on fetches artifacts from (artifact_mirror, -e over the inventory); absent: SSH. */
  readonly artifactMirror?: string;
}

export interface CompiledRole {
  readonly name: string;
  /** Hosts that run the role (tags, runOnce and `when` applied), with what each runs. */
  readonly perHost: ReadonlyMap<string, HostRole>;
  /** A batch hook (Play.beforeBatch / afterBatch): run as a linear step around the batch's roles. */
  readonly hook?: 'before' | 'after';
}

export interface CompiledPlay {
  readonly play: Play;
  readonly hosts: readonly Host[];
  readonly batches: readonly (readonly Host[])[];
  readonly roles: readonly CompiledRole[];
}

export function compile(pb: Playbook, sel: Selector, opts: CompileOptions): CompiledPlay[] {
  refuseUnknownVars(pb, {
    playbook: opts.playbook ?? `playbook "${pb.name}"`,
    extraVars: opts.extraVars,
    ...(sel.inventory ? { inventory: sel.inventory } : {}),
    ...(opts.otherRoles ? { otherRoles: opts.otherRoles } : {}),
  });
  // Every tag a run could select, gathered as the plays are built (each role's resources once per host).
  const known = new Set<string>();
  const plays = pb.plays.map((play) => compilePlay(play, sel, opts, known));
  for (const [option, tags] of [
    ['--tags', opts.tags],
    ['--skip-tags', opts.skipTags],
  ] as const) {
    for (const t of tags) if (!known.has(t) && t !== 'all' && t !== 'never') throw new ConfigError(`unknown tag "${t}".${didYouMean(t, known)}`, option);
  }
  return plays;
}

function compilePlay(play: Play, sel: Selector, opts: CompileOptions, known: Set<string>): CompiledPlay {
  const where = `play "${play.name}"`;
  const everyone = sel.select(play.hosts);
  let hosts = everyone;
  if (opts.limit) hosts = sel.limit(hosts, opts.limit);
  if (play.runOnce) hosts = hosts.slice(0, 1);
  for (const t of play.tags ?? []) known.add(t);
  const before = play.beforeBatch?.length ?? 0;
  const main = play.roles.length;
  const roles = playRoles(play).map((u, i) => {
    const r = compileRole(u, play, { hosts, everyone }, sel.cluster, opts, known);
    return i < before ? { ...r, hook: 'before' as const } : i >= before + main ? { ...r, hook: 'after' as const } : r;
  });
  return { play, hosts, batches: batches(hosts, play.serial, where), roles };
}

/**
 * The role on each host it is meant for, its resources built once per host. `everyone`: the play's hosts
 * before --limit and runOnce, whose resource tags count as known too (a role may tag resources for some
 * hosts only, e.g. masters); for a host outside the run they are built only for that, and a failure there
 * is not this run's to report.
 */
function compileRole(
  u: RoleUse,
  play: Play,
  on: { readonly hosts: readonly Host[]; readonly everyone: readonly Host[] },
  cluster: Cluster,
  opts: CompileOptions,
  known: Set<string>,
): CompiledRole {
  const outer = [play.tags ?? [], u.tags, u.role.tags];
  for (const t of [...u.tags, ...u.role.tags]) known.add(t);
  const learn = (resources: readonly AnyResource[]) => {
    for (const r of resources) for (const t of r.tags ?? []) known.add(t);
  };
  const perHost = new Map<string, HostRole>();
  // `when` first: runOnce then means the first host the role is meant for.
  const meant = on.hosts.filter((h) => !u.when || u.when(h));
  const targets = u.runOnce ? meant.slice(0, 1) : meant;
  for (const host of targets) {
    const vars = roleVars(u.role, host, u.vars, opts.extraVars);
    const where = `role ${u.role.name} on ${host.name}`;
    const all = building(where, vars, () => u.role.resources(vars, host, cluster));
    learn(all);
    const handlers = building(where, vars, () => u.role.handlers?.(vars, host, cluster) ?? {});
    checkResources(all, handlers, where);
    const resources = all.filter((r) => selected([...outer, r.tags ?? []], opts));
    const delegated = u.delegateTo ? delegate(u.delegateTo, host, cluster, where) : undefined;
    // The mirror of the host the bytes land on: a delegated role's target, not the host it is for.
    const mirror = artifactMirrorOf(delegated ?? host, opts.extraVars, cluster.file ?? 'the inventory');
    if (resources.length > 0)
      perHost.set(host.name, {
        vars,
        resources,
        handlers,
        gates: u.role.verify ?? [],
        rolling: u.role.rolling === true,
        ...(delegated ? { on: delegated } : {}),
        ...(mirror ? { artifactMirror: mirror } : {}),
      });
  }
  const built = new Set(targets.map((h) => h.name));
  for (const host of on.everyone)
    if (!built.has(host.name)) learn(attempt(() => u.role.resources(roleVars(u.role, host, u.vars, opts.extraVars), host, cluster)) ?? []);
  return { name: u.role.name, perHost };
}

/** The inventory host a delegated role runs on, or undefined when it stays on `host`. */
function delegate(to: NonNullable<RoleUse['delegateTo']>, host: Host, cluster: Cluster, where: string): Host | undefined {
  let name: string;
  try {
    name = to(host, cluster);
  } catch (e) {
    throw new ConfigError(`delegateTo failed: ${(e as Error).message}`, where);
  }
  if (name === host.name) return undefined;
  const on = cluster.hosts.find((h) => h.name === name);
  if (!on)
    throw new ConfigError(
      `delegateTo names "${String(name)}", which is not an inventory host.${didYouMean(
        String(name),
        cluster.hosts.map((h) => h.name),
      )}`,
      where,
    );
  return on;
}

/** Resource ids are unique in a role (reports and notify use them); notify names a handler of the role. */
function checkResources(resources: readonly AnyResource[], handlers: Readonly<Record<string, Handler>>, where: string): void {
  const seen = new Set<string>();
  for (const r of resources) {
    if (seen.has(r.id)) throw new ConfigError(`two resources have the id "${r.id}"`, where);
    seen.add(r.id);
    for (const n of r.notify ?? []) {
      if (!(n in handlers)) throw new ConfigError(`${r.id} notifies unknown handler "${n}".${didYouMean(n, Object.keys(handlers))}`, where);
    }
  }
}

/** The value, or undefined when computing it fails (compile reports that failure properly later). */
function attempt<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
