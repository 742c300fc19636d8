/**
 * Which group's value a host takes when two of its groups set the same var differently. Vars merge
 * global < groups < host; groups by depth (parents before children), groups of the same depth in the
 * order the inventory declares them, so the later one wins. This says, per host and var, which group won
 * and over what (shown with -v), since nothing else would. Pure.
 */
import type { Host } from '../core/model.js';
import { Secret } from '../core/secret.js';
import type { Inventory } from './build.js';
import { groupDepths } from './build.js';
import { describe } from './issues.js';

export interface VarConflict {
  readonly host: string;
  readonly key: string;
  /** The group whose value the host takes. */
  readonly winner: string;
  /** Earlier groups of the host that set another value. */
  readonly losers: readonly string[];
  /** Why the winner won: it is nested deeper than every loser, or it is declared after one of the same depth. */
  readonly reason: 'deeper' | 'declared later';
}

/** Deep equality of var values; secrets compare by value (their JSON is only a mask). */
function same(a: unknown, b: unknown): boolean {
  if (a instanceof Secret || b instanceof Secret) return a instanceof Secret && b instanceof Secret && a.reveal() === b.reveal();
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const [x, y] = [a as Record<string, unknown>, b as Record<string, unknown>];
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => k in y && same(x[k], y[k]));
}

export function varConflicts(inv: Inventory): VarConflict[] {
  const depths = groupDepths(inv.spec);
  const groupVars = (g: string) => inv.spec.groups?.[g]?.vars ?? {};
  return inv.hosts.flatMap((host) => conflictsOf(host, inv, groupVars, depths));
}

function conflictsOf(
  host: Host,
  inv: Inventory,
  groupVars: (g: string) => Readonly<Record<string, unknown>>,
  depths: ReadonlyMap<string, number>,
): VarConflict[] {
  const own = inv.spec.hosts[host.name]?.vars ?? {};
  // host.groups is in merge order after `all`: the last group that sets a key is the one that counts.
  const groups = host.groups.slice(1);
  const keys = new Set(groups.flatMap((g) => Object.keys(groupVars(g))));
  const out: VarConflict[] = [];
  for (const key of keys) {
    if (key in own) continue; // the host's own value wins over every group, as written
    const setters = groups.filter((g) => key in groupVars(g));
    const winner = setters.at(-1)!;
    const losers = setters.slice(0, -1).filter((g) => !same(groupVars(g)[key], groupVars(winner)[key]));
    if (losers.length === 0) continue;
    const reason = losers.every((g) => depths.get(g)! < depths.get(winner)!) ? 'deeper' : 'declared later';
    out.push({ host: host.name, key, winner, losers, reason });
  }
  return out;
}

/** One line per conflict, as -v prints them. */
export function conflictLine(c: VarConflict, inv: Inventory): string {
  const value = (g: string) => describe(inv.spec.groups?.[g]?.vars?.[c.key]);
  const others = c.losers.map((g) => `group ${g} (${value(g)})`).join(', ');
  const why = c.reason === 'deeper' ? 'it is nested deeper' : 'groups of the same depth: the one declared later wins';
  return `${inv.file}: host ${c.host} takes ${c.key} = ${value(c.winner)} from group ${c.winner}, not from ${others} (${why})`;
}

/** What -v says before a run: a line for each host and var where one group's value beat another's. */
export const conflictNotes = (inv: Inventory): string[] => varConflicts(inv).map((c) => `note: ${conflictLine(c, inv)}`);
