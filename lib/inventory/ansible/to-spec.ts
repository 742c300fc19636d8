/**
 * An Ansible inventory -> tsplay's InventorySpec. Ansible's connection vars become host settings
 * (ansible_host -> address, ansible_port -> port, ansible_user -> user, ansible_ssh_private_key_file ->
 * key, ansible_become_password -> becomePassword, ansible_connection=local -> transport local), resolved
 * per host by Ansible's precedence (all < parent groups < child groups < host). Every other ansible_* var
 * is Ansible's own setting and is left out; the rest stay where they were set, so tsplay's precedence
 * (the same) merges them. Settings all hosts share are hoisted into defaults. Pure; errors name file:line.
 */
import { ConfigError } from '../../core/errors.js';
import type { Defaults, GroupEntry, HostEntry, InventorySpec } from '../../dsl/inventory.js';
import type { AnsibleInventory, Vars } from './model.js';

const CONNECTION: Record<string, keyof HostEntry> = {
  ansible_host: 'address',
  ansible_ssh_host: 'address',
  ansible_port: 'port',
  ansible_ssh_port: 'port',
  ansible_user: 'user',
  ansible_ssh_user: 'user',
  ansible_ssh_private_key_file: 'key',
  ansible_private_key_file: 'key',
  ansible_become_password: 'becomePassword',
  ansible_become_pass: 'becomePassword',
  ansible_sudo_pass: 'becomePassword',
  ansible_sudo_password: 'becomePassword',
};

const plain = (v: Vars): Vars => Object.fromEntries(Object.entries(v).filter(([k]) => !k.startsWith('ansible_')));

export function toSpec(inv: AnsibleInventory): InventorySpec {
  const order = groupsByDepth(inv);
  const hosts: Record<string, HostEntry> = {};
  for (const [name, h] of inv.hosts) {
    const mine = order.filter((g) => memberOf(inv, g, name));
    const merged: Vars = Object.assign({}, inv.groups.get('all')?.vars, ...mine.map((g) => inv.groups.get(g)!.vars), h.vars);
    hosts[name] = hostEntry(name, merged, plain(h.vars), h.at);
  }
  const groups: Record<string, GroupEntry> = {};
  // As in Ansible, "ungrouped" holds the hosts in no group but all, however they were written.
  const grouped = new Set([...inv.groups].filter(([n]) => n !== 'all' && n !== 'ungrouped').flatMap(([, g]) => g.hosts));
  const ungrouped = [...inv.hosts.keys()].filter((h) => !grouped.has(h));
  for (const [name, g0] of inv.groups) {
    const g = name === 'ungrouped' ? { ...g0, hosts: ungrouped } : g0;
    if (name === 'all' || (name === 'ungrouped' && g.hosts.length === 0 && g.children.length === 0)) continue;
    for (const c of g.children) if (!inv.groups.has(c)) throw new ConfigError(`group ${name} names child group "${c}", which is not defined`, g.at);
    const vars = plain(g.vars);
    groups[name] = {
      ...(g.hosts.length ? { hosts: g.hosts } : {}),
      ...(g.children.length ? { children: g.children } : {}),
      ...(Object.keys(vars).length ? { vars } : {}),
    };
  }
  if (ungrouped.length && !inv.groups.has('ungrouped')) groups.ungrouped = { hosts: ungrouped };
  const global = plain(inv.groups.get('all')?.vars ?? {});
  return hoist({ hosts, groups, ...(Object.keys(global).length ? { vars: global } : {}) });
}

function hostEntry(name: string, merged: Vars, vars: Vars, at: string): HostEntry {
  const e: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(merged)) {
    const field = CONNECTION[k];
    if (field) e[field] = field === 'port' ? port(v, k, name, at) : String(v);
  }
  const conn = merged.ansible_connection;
  if (conn === 'local') e.transport = 'local';
  else if (conn !== undefined && !['ssh', 'smart', 'paramiko'].includes(String(conn))) {
    throw new ConfigError(`host ${name}: ansible_connection=${String(conn)} is not supported (tsplay reaches hosts over ssh, or local)`, at);
  }
  const method = merged.ansible_become_method;
  if (method !== undefined && method !== 'sudo')
    throw new ConfigError(`host ${name}: ansible_become_method=${String(method)} is not supported (tsplay becomes root with sudo)`, at);
  const to = merged.ansible_become_user;
  if (to !== undefined && to !== 'root')
    throw new ConfigError(`host ${name}: ansible_become_user=${String(to)} is not supported (tsplay's roles become root)`, at);
  if (e.address === undefined && !(name === 'localhost' && e.transport === 'local')) e.address = name;
  return { ...(e as HostEntry), ...(Object.keys(vars).length ? { vars } : {}) };
}

function port(v: unknown, key: string, host: string, at: string): number {
  const n = typeof v === 'number' ? v : /^\d+$/.test(String(v)) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new ConfigError(`host ${host}: ${key} must be a port number from 1 to 65535, got ${JSON.stringify(v)}`, at);
  return n;
}

function memberOf(inv: AnsibleInventory, group: string, host: string, seen: string[] = []): boolean {
  const g = inv.groups.get(group);
  if (!g || seen.includes(group)) return false;
  return g.hosts.includes(host) || g.children.some((c) => memberOf(inv, c, host, [...seen, group]));
}

/** Groups but all, parents before children (by depth), then in the order they appeared. */
function groupsByDepth(inv: AnsibleInventory): string[] {
  const names = [...inv.groups.keys()].filter((g) => g !== 'all');
  const parents = new Map<string, string[]>();
  for (const g of names) for (const c of inv.groups.get(g)!.children) parents.set(c, [...(parents.get(c) ?? []), g]);
  const depth = (g: string, seen: string[] = []): number =>
    1 + Math.max(0, ...(parents.get(g) ?? []).filter((p) => !seen.includes(p)).map((p) => depth(p, [...seen, g])));
  return names
    .map((g, i) => ({ g, i, d: depth(g) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((x) => x.g);
}

/** port, user and key every host shares move to defaults: the spec (and a converted .ts) reads shorter. */
function hoist(spec: { hosts: Record<string, HostEntry>; groups: Record<string, GroupEntry>; vars?: Vars }): InventorySpec {
  const entries = Object.values(spec.hosts);
  const defaults: Record<string, unknown> = {};
  for (const f of ['user', 'port', 'key'] as const) {
    const vals = new Set(entries.map((e) => e[f]));
    if (entries.length > 1 && vals.size === 1 && entries[0]![f] !== undefined) defaults[f] = entries[0]![f];
  }
  const hosts = Object.fromEntries(
    Object.entries(spec.hosts).map(([n, e]) => [n, Object.fromEntries(Object.entries(e).filter(([k]) => !(k in defaults))) as HostEntry]),
  );
  return {
    ...(Object.keys(defaults).length ? { defaults: defaults as Defaults } : {}),
    hosts,
    ...(Object.keys(spec.groups).length ? { groups: spec.groups } : {}),
    ...(spec.vars ? { vars: spec.vars } : {}),
  };
}
