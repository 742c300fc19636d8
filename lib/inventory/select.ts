/**
 * Host patterns, as in Ansible: `all` or `*`, a group, a host, a glob over host and group names
 * (`web-*`, `k8s-[ab]*`), joined by `:` or `,`. A plain term adds hosts, `&term` keeps only hosts also in
 * it, `!term` removes its hosts; evaluated in Ansible's order (unions, then intersections, then
 * exclusions), whatever the order written. Only `!`/`&` terms start from all hosts. Pure.
 */
import picomatch from 'picomatch';
import { didYouMean } from '../core/did-you-mean.js';
import { ConfigError } from '../core/errors.js';
import type { Host } from '../core/model.js';
import type { Inventory } from './build.js';

interface Term {
  readonly op: 'union' | 'and' | 'not';
  readonly name: string;
}

export function parsePattern(pattern: string, where?: string): Term[] {
  const parts = pattern
    .split(/[,:]/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new ConfigError(`empty host pattern "${pattern}"`, where);
  return parts.map((p) => {
    const op = p[0] === '!' ? 'not' : p[0] === '&' ? 'and' : 'union';
    const name = op === 'union' ? p : p.slice(1).trim();
    if (!name) throw new ConfigError(`"${p}" needs a host or group name after it in pattern "${pattern}"`, where);
    return { op, name };
  });
}

/** The hosts matching `pattern`, in inventory order. `where` prefixes errors (e.g. `--limit`). */
export function selectHosts(inv: Inventory, pattern: string, where?: string): Host[] {
  const terms = parsePattern(pattern, where);
  const hostsOf = (name: string) => resolveName(inv, name, pattern, where);
  const unions = terms.filter((t) => t.op === 'union');
  const chosen = new Set(unions.length ? unions.flatMap((t) => [...hostsOf(t.name)]) : inv.groups.get('all'));
  for (const t of terms.filter((t) => t.op === 'and')) {
    const keep = hostsOf(t.name);
    for (const h of chosen) if (!keep.has(h)) chosen.delete(h);
  }
  for (const t of terms.filter((t) => t.op === 'not')) for (const h of hostsOf(t.name)) chosen.delete(h);
  return inv.hosts.filter((h) => chosen.has(h.name));
}

/** Host names one term stands for; an unknown name or a glob that matches nothing is an error. */
function resolveName(inv: Inventory, name: string, pattern: string, where?: string): Set<string> {
  if (name === '*') return new Set(inv.groups.get('all'));
  const group = inv.groups.get(name);
  if (group) return new Set(group);
  if (inv.hosts.some((h) => h.name === name)) return new Set([name]);
  const known = [...inv.hosts.map((h) => h.name), ...inv.groups.keys()];
  if (!picomatch.scan(name).isGlob) {
    throw new ConfigError(`unknown host or group "${name}" in pattern "${pattern}".${didYouMean(name, known)}`, where);
  }
  const isMatch = picomatch(name);
  const out = new Set(inv.hosts.filter((h) => isMatch(h.name)).map((h) => h.name));
  for (const [g, members] of inv.groups) if (g !== 'all' && isMatch(g)) for (const h of members) out.add(h);
  if (out.size === 0) throw new ConfigError(`no host or group matches "${name}" in pattern "${pattern}"`, where);
  return out;
}
