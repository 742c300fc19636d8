/**
 * pkg: packages installed (or removed) with the host's package manager, all in one apt/dnf/yum call.
 * Names may differ per OS family (`{ debian: ['conntrack'], redhat: ['conntrack-tools'] }`): roles build
 * resources before facts are known, so every name is asked about and check picks the family's list.
 */
import type { HostFacts, PackageState } from '../core/ops.js';
import { q } from '../core/ops.js';
import { defineResource, type Resource } from '../core/resource.js';
import { meta, shown, type Common } from './common.js';

export type FamilyNames = { readonly [F in 'debian' | 'redhat']?: readonly string[] };

export interface PackageOptions extends Common {
  readonly names: readonly string[] | FamilyNames;
  readonly state?: 'present' | 'absent';
  /**
   * Exact versions for some of the names, as the host's package database reports them (dpkg-query's
   * Version, rpm's VERSION-RELEASE): installed, upgraded or downgraded to exactly that.
   */
  readonly versions?: Readonly<Record<string, string>>;
}

function manager(facts: HostFacts, names: readonly string[]): 'apt' | 'dnf' | 'yum' {
  if (facts.packageManager === 'unknown') throw new Error(`no supported package manager (apt, dnf, yum) on ${facts.hostname} to handle ${names.join(', ')}`);
  return facts.packageManager;
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9+._:-]*$/;
/** Debian and RPM version characters (epoch:upstream-revision, ~ and +), never a leading dash. */
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+~:_-]*$/;

export function pkg(o: PackageOptions): Resource<[PackageState]> {
  const perFamily = !Array.isArray(o.names);
  const lists = o.names as FamilyNames;
  const all = perFamily ? [...new Set([...(lists.debian ?? []), ...(lists.redhat ?? [])])] : (o.names as readonly string[]);
  if (all.length === 0) throw new Error('pkg: names must not be empty');
  for (const n of all)
    if (!NAME.test(n) || n.length > 255)
      throw new Error(`pkg: invalid package name ${shown(n)} (letters, digits and "+._:-", starting with a letter or digit)`);
  const state = o.state ?? 'present';
  const pins = o.versions ?? {};
  for (const [n, v] of Object.entries(pins)) {
    if (!all.includes(n)) throw new Error(`pkg: versions names ${JSON.stringify(n)}, which is not among the names (${all.join(', ')})`);
    if (!VERSION.test(v)) throw new Error(`pkg: invalid version ${JSON.stringify(v)} for ${n}`);
  }
  if (state === 'absent' && Object.keys(pins).length) throw new Error('pkg: versions are for present packages; an absent one has none');
  const namesFor = (facts: HostFacts): readonly string[] => {
    if (!perFamily) return all;
    const family = facts.os.family;
    if (family === 'unknown') throw new Error(`pkg: no package names for OS "${facts.os.id}" (given for ${Object.keys(lists).join(' and ')})`);
    return lists[family] ?? [];
  };
  const wrong = (have: PackageState, n: string) => have[n] == null || (pins[n] !== undefined && have[n] !== pins[n]);
  const todo = (have: PackageState, facts: HostFacts) => namesFor(facts).filter((n) => (state === 'present' ? wrong(have, n) : have[n] != null));
  const keys = all.map((n) => `pkg:${n}`);
  return defineResource<[PackageState]>({
    ...meta(`package:${all.join(',')}`, o, keys, keys),
    queries: [q.packages(all)],
    check([have], facts) {
      const names = todo(have, facts);
      if (names.length) manager(facts, names);
      return names.map((n) =>
        state === 'present'
          ? { field: n, before: have[n] ?? 'absent', after: pins[n] ?? 'present' }
          : { field: n, before: have[n] ?? 'present', after: 'absent' },
      );
    },
    apply([have], facts) {
      const names = todo(have, facts);
      const versions = Object.fromEntries(names.filter((n) => pins[n] !== undefined).map((n) => [n, pins[n]!]));
      return [{ a: 'package', state, names, manager: manager(facts, names), ...(Object.keys(versions).length ? { versions } : {}) }];
    },
  });
}
