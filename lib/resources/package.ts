/** pkg: packages installed (or removed) with the host's package manager, all in one apt/dnf/yum call. */
import type { HostFacts, PackageState } from '../core/ops.js';
import { q } from '../core/ops.js';
import { defineResource, type Resource } from '../core/resource.js';
import { meta, type Common } from './common.js';

export interface PackageOptions extends Common {
  readonly names: readonly string[];
  readonly state?: 'present' | 'absent';
}

function manager(facts: HostFacts, names: readonly string[]): 'apt' | 'dnf' | 'yum' {
  if (facts.packageManager === 'unknown') throw new Error(`no supported package manager (apt, dnf, yum) on ${facts.hostname} to handle ${names.join(', ')}`);
  return facts.packageManager;
}

export function pkg(o: PackageOptions): Resource<[PackageState]> {
  if (o.names.length === 0) throw new Error('pkg: names must not be empty');
  for (const n of o.names) if (!/^[a-zA-Z0-9][a-zA-Z0-9+._:-]*$/.test(n)) throw new Error(`pkg: invalid package name ${JSON.stringify(n)}`);
  const state = o.state ?? 'present';
  const todo = (have: PackageState) => o.names.filter((n) => (state === 'present' ? have[n] == null : have[n] != null));
  const keys = o.names.map((n) => `pkg:${n}`);
  return defineResource<[PackageState]>({
    ...meta(`package:${o.names.join(',')}`, o, keys, keys),
    queries: [q.packages(o.names)],
    check([have], facts) {
      const names = todo(have);
      if (names.length) manager(facts, names);
      return names.map((n) => (state === 'present' ? { field: n, before: 'absent', after: 'present' } : { field: n, before: have[n] ?? 'present', after: 'absent' }));
    },
    apply: ([have], facts) => [{ a: 'package', state, names: todo(have), manager: manager(facts, todo(have)) }],
  });
}
