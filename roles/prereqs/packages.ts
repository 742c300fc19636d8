/**
 * Packages whose names depend on the OS family. `resources()` runs before facts are known, so this
 * resource asks about every name once and lets `check` pick the family's list from the gathered facts;
 * the work itself is the built-in `pkg` resource's.
 */
import { defineResource, pkg, q, type HostFacts } from '../../lib/index.js';
import type { FamilyPackages } from './vars.js';

export function familyPackages(lists: FamilyPackages) {
  const all = [...new Set([...lists.debian, ...lists.redhat])];
  const per = {
    debian: lists.debian.length ? pkg({ names: lists.debian }) : undefined,
    redhat: lists.redhat.length ? pkg({ names: lists.redhat }) : undefined,
  };
  const pick = (facts: HostFacts) => {
    const family = facts.os.family;
    if (family === 'unknown') throw new Error(`no package list for OS "${facts.os.id}" (prereqs_packages has debian and redhat)`);
    return per[family];
  };
  return defineResource({
    id: `package:${all.join(',')}`,
    reads: all.map((n) => `pkg:${n}`),
    writes: all.map((n) => `pkg:${n}`),
    queries: [q.packages(all)],
    check: ([have], facts) => pick(facts)?.check([have], facts) ?? [],
    apply: ([have], facts, changes) => pick(facts)?.apply([have], facts, changes) ?? [],
  });
}
