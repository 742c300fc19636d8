/**
 * Checks across the inventory that a schema of one field cannot make: names usable in host patterns,
 * group members and children that exist, no group cycles, no name both a host and a group, jump hosts
 * that exist and do not loop, an address for every host but `localhost`. Pure: spec in, problems out.
 */
import { didYouMean } from '../core/did-you-mean.js';
import type { InventorySpec } from '../dsl/inventory.js';
import type { Problem } from './issues.js';

/** Names appear in host patterns, where `:`, `,`, `!`, `&`, `@` and glob characters mean something. */
export const NAME = /^[A-Za-z0-9_][\w.-]*$/;
const NAME_RULE = 'use letters, digits, "_", "-" and "." (other characters have a meaning in host patterns)';

export function crossRefs(spec: InventorySpec): Problem[] {
  return [...names(spec), ...members(spec), ...cycles(spec), ...jumps(spec), ...addresses(spec)];
}

function names(spec: InventorySpec): Problem[] {
  const out: Problem[] = [];
  for (const h of Object.keys(spec.hosts)) if (!NAME.test(h)) out.push({ path: ['hosts', h], message: `invalid host name: ${NAME_RULE}` });
  for (const g of Object.keys(spec.groups ?? {})) {
    if (!NAME.test(g)) out.push({ path: ['groups', g], message: `invalid group name: ${NAME_RULE}` });
    if (g === 'all') out.push({ path: ['groups', g], message: '"all" is built in (every host); put vars for all hosts in the top-level vars' });
    if (g in spec.hosts) out.push({ path: ['groups', g], message: `"${g}" is both a host and a group; patterns could not tell them apart` });
  }
  return out;
}

function members(spec: InventorySpec): Problem[] {
  const hosts = Object.keys(spec.hosts);
  const groups = Object.keys(spec.groups ?? {});
  const out: Problem[] = [];
  for (const [g, entry] of Object.entries(spec.groups ?? {})) {
    entry.hosts?.forEach((h, i) => {
      if (h in spec.hosts) return;
      const hint = groups.includes(h) ? ` "${h}" is a group: list it under children.` : didYouMean(h, hosts);
      out.push({ path: ['groups', g, 'hosts', i], message: `unknown host "${h}".${hint}` });
    });
    entry.children?.forEach((c, i) => {
      if (groups.includes(c)) return;
      const hint = c in spec.hosts ? ` "${c}" is a host: list it under hosts.` : didYouMean(c, groups);
      out.push({ path: ['groups', g, 'children', i], message: `unknown group "${c}".${hint}` });
    });
  }
  return out;
}

/** Each cycle once, named from the first group of it in inventory order. */
function cycles(spec: InventorySpec): Problem[] {
  const groups = spec.groups ?? {};
  const out: Problem[] = [];
  const reported = new Set<string>();
  const walk = (g: string, trail: string[]): void => {
    const at = trail.indexOf(g);
    if (at >= 0) {
      const loop = trail.slice(at);
      const key = [...loop].sort().join(' ');
      if (!reported.has(key)) out.push({ path: ['groups', loop[0]!, 'children'], message: `group cycle: ${[...loop, g].join(' -> ')}` });
      reported.add(key);
      return;
    }
    for (const c of groups[g]?.children ?? []) if (c in groups) walk(c, [...trail, g]);
  };
  for (const g of Object.keys(groups)) walk(g, []);
  return out;
}

function jumps(spec: InventorySpec): Problem[] {
  const hosts = Object.keys(spec.hosts);
  const out: Problem[] = [];
  const unknown = (j: string) => `unknown jump host "${j}".${didYouMean(j, hosts)}`;
  const dj = spec.defaults?.jump;
  if (dj !== undefined && !(dj in spec.hosts)) out.push({ path: ['defaults', 'jump'], message: unknown(dj) });
  for (const [h, entry] of Object.entries(spec.hosts)) {
    if (entry.jump !== undefined && !(entry.jump in spec.hosts)) out.push({ path: ['hosts', h, 'jump'], message: unknown(entry.jump) });
    if (entry.jump === h) out.push({ path: ['hosts', h, 'jump'], message: 'a host cannot be its own jump host' });
  }
  if (out.length > 0) return out;
  const reported = new Set<string>();
  for (const h of hosts) {
    const trail = [h];
    for (let j = jumpOf(spec, h); j !== undefined; j = jumpOf(spec, j)) {
      const key = [...trail].sort().join(' ');
      if (j === h && !reported.has(key)) out.push({ path: ['hosts', h, 'jump'], message: `jump cycle: ${[...trail, h].join(' -> ')}` });
      if (j === h) reported.add(key);
      if (trail.includes(j)) break; // a cycle further on is reported from one of its own hosts
      trail.push(j);
    }
  }
  return out;
}

/** The host a connection to `h` goes through: its own, else the default (never itself). */
export function jumpOf(spec: InventorySpec, h: string): string | undefined {
  const j = spec.hosts[h]?.jump ?? spec.defaults?.jump;
  return j === h ? undefined : j;
}

function addresses(spec: InventorySpec): Problem[] {
  return Object.entries(spec.hosts)
    .filter(([h, entry]) => entry.address === undefined && h !== 'localhost')
    .map(([h]) => ({ path: ['hosts', h, 'address'], message: 'required: an IPv4/IPv6 address or DNS name (only "localhost" may leave it out)' }));
}
