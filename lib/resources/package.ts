/**
 * pkg: packages installed (or removed) with the host's package manager, all in one apt/dnf/yum call.
 * Names may differ per OS family (`{ debian: ['conntrack'], redhat: ['conntrack-tools'] }`): roles build
 * resources before facts are known, so every name is asked about and check picks the family's list.
 */
import type { HostFacts, PackageState } from '../core/ops.js';
import { q } from '../core/ops.js';
import { defineResource, type Resource } from '../core/resource.js';
import { meta, type Common } from './common.js';

export type FamilyNames = { readonly [F in 'debian' | 'redhat']?: readonly string[] };

export interface PackageOptions extends Common {
  readonly names: readonly string[] | FamilyNames;
  readonly state?: 'present' | 'absent';
}

function manager(facts: HostFacts, names: readonly string[]): 'apt' | 'dnf' | 'yum' {
  if (facts.packageManager === 'unknown') throw new Error(`no supported package manager (apt, dnf, yum) on ${facts.hostname} to handle ${names.join(', ')}`);
  return facts.packageManager;
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9+._:-]*$/;

export function pkg(o: PackageOptions): Resource<[PackageState]> {
  const perFamily = !Array.isArray(o.names);
  const lists = o.names as FamilyNames;
  const all = perFamily ? [...new Set([...(lists.debian ?? []), ...(lists.redhat ?? [])])] : (o.names as readonly string[]);
  if (all.length === 0) throw new Error('pkg: names must not be empty');
  for (const n of all) if (!NAME.test(n)) throw new Error(`pkg: invalid package name ${JSON.stringify(n)}`);
  const state = o.state ?? 'present';
  const namesFor = (facts: HostFacts): readonly string[] => {
    if (!perFamily) return all;
    const family = facts.os.family;
    if (family === 'unknown') throw new Error(`pkg: no package names for OS "${facts.os.id}" (given for ${Object.keys(lists).join(' and ')})`);
    return lists[family] ?? [];
  };
  const todo = (have: PackageState, facts: HostFacts) => namesFor(facts).filter((n) => (state === 'present' ? have[n] == null : have[n] != null));
  const keys = all.map((n) => `pkg:${n}`);
  return defineResource<[PackageState]>({
    ...meta(`package:${all.join(',')}`, o, keys, keys),
    queries: [q.packages(all)],
    check([have], facts) {
      const names = todo(have, facts);
      if (names.length) manager(facts, names);
      return names.map((n) => (state === 'present' ? { field: n, before: 'absent', after: 'present' } : { field: n, before: have[n] ?? 'present', after: 'absent' }));
    },
    apply: ([have], facts) => [{ a: 'package', state, names: todo(have, facts), manager: manager(facts, todo(have, facts)) }],
  });
}
