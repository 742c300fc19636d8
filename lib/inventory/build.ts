/**
 * A validated InventorySpec -> the model roles and the runner use: hosts with their connection settings
 * filled in, every group they are in (parents and `all` included), and their merged vars. Pure.
 *
 * Vars: global < groups, parents before children (by depth, then inventory order) < host. Merging is
 * shallow, as in Ansible: a group's `etcd: {...}` replaces a global `etcd: {...}` as a whole.
 */
import { didYouMean } from '../core/did-you-mean.js';
import { ConfigError } from '../core/errors.js';
import type { Cluster, Host } from '../core/model.js';
import { Secret, secret } from '../core/secret.js';
import type { HostEntry, InventorySpec } from '../dsl/inventory.js';
import { jumpOf } from './refs.js';

export interface Inventory {
  /** In inventory order. */
  readonly hosts: readonly Host[];
  /** Group -> host names (children included) in inventory order; `all` first. */
  readonly groups: ReadonlyMap<string, readonly string[]>;
  readonly cluster: Cluster;
  /** What it was built from, and the file it came from ('the inventory' when built in memory). */
  readonly spec: InventorySpec;
  readonly file: string;
}

export const DEFAULT_PORT = 22;
export const DEFAULT_USER = 'root';

export function buildInventory(spec: InventorySpec, file = 'the inventory'): Inventory {
  const names = Object.keys(spec.hosts);
  const groups = groupMembers(spec, names);
  const order = groupOrder(spec);
  const sets = new Map([...groups].map(([g, hs]) => [g, new Set(hs)]));
  const hosts = names.map((name) => {
    const mine = order.filter((g) => sets.get(g)!.has(name));
    return buildHost(spec, name, spec.hosts[name]!, ['all', ...mine]);
  });
  return { hosts, groups, cluster: cluster(hosts, groups, spec.vars ?? {}, file), spec, file };
}

/** `all`, then each group with its children's hosts, members in inventory order. */
function groupMembers(spec: InventorySpec, names: readonly string[]): Map<string, string[]> {
  const defs = spec.groups ?? {};
  const memo = new Map<string, Set<string>>();
  const members = (g: string): Set<string> => {
    let set = memo.get(g);
    if (set) return set;
    set = new Set(defs[g]?.hosts ?? []);
    memo.set(g, set); // validated acyclic; set before recursing all the same
    for (const c of defs[g]?.children ?? []) for (const h of members(c)) set.add(h);
    return set;
  };
  const out = new Map<string, string[]>([['all', [...names]]]);
  for (const g of Object.keys(defs))
    out.set(
      g,
      names.filter((h) => members(g).has(h)),
    );
  return out;
}

/** Each group's depth: a top group is 1, a child one more than its deepest parent. */
export function groupDepths(spec: InventorySpec): Map<string, number> {
  const defs = spec.groups ?? {};
  const parents = new Map<string, string[]>();
  for (const [g, d] of Object.entries(defs)) for (const c of d.children ?? []) parents.set(c, [...(parents.get(c) ?? []), g]);
  const depth = (g: string, seen: readonly string[] = []): number =>
    1 + Math.max(0, ...(parents.get(g) ?? []).filter((p) => !seen.includes(p)).map((p) => depth(p, [...seen, g])));
  return new Map(Object.keys(defs).map((g) => [g, depth(g)]));
}

/** Groups by depth, then inventory order: the order their vars merge in (a later one wins). */
function groupOrder(spec: InventorySpec): string[] {
  const depths = groupDepths(spec);
  const index = [...depths.keys()];
  return [...index].sort((a, b) => depths.get(a)! - depths.get(b)! || index.indexOf(a) - index.indexOf(b));
}

function buildHost(spec: InventorySpec, name: string, e: HostEntry, groups: readonly string[]): Host {
  const d = spec.defaults ?? {};
  const local = name === 'localhost' && e.address === undefined;
  const transport = e.transport ?? (local ? 'local' : (d.transport ?? 'ssh'));
  const key = e.key ?? d.key;
  const jump = transport === 'local' ? undefined : jumpOf(spec, name);
  const pw = e.becomePassword;
  const vars = Object.assign({}, spec.vars, ...groups.slice(1).map((g) => spec.groups?.[g]?.vars), e.vars) as Record<string, unknown>;
  return Object.freeze({
    name,
    address: e.address ?? 'localhost',
    port: e.port ?? d.port ?? DEFAULT_PORT,
    user: e.user ?? d.user ?? DEFAULT_USER,
    transport,
    ...(key !== undefined ? { key } : {}),
    ...(jump !== undefined ? { jump } : {}),
    ...(pw !== undefined ? { becomePassword: pw instanceof Secret ? pw : secret(pw) } : {}),
    groups: Object.freeze([...groups]),
    vars: Object.freeze(vars),
  });
}

function cluster(hosts: readonly Host[], groups: ReadonlyMap<string, readonly string[]>, vars: Readonly<Record<string, unknown>>, file: string): Cluster {
  const byName = new Map(hosts.map((h) => [h.name, h]));
  return {
    hosts,
    vars,
    file,
    group(name: string): readonly Host[] {
      const members = groups.get(name);
      if (!members) throw new ConfigError(`unknown group "${name}".${didYouMean(name, groups.keys())}`, 'cluster.group()');
      return members.map((h) => byName.get(h)!);
    },
  };
}
