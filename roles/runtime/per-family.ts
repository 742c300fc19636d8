/**
 * perFamily: one resource whose desired state depends on the host's OS family (Debian and RHEL put the
 * same package's files in different places), chosen at check time from the gathered facts. Roles build
 * resources before facts are known, so both variants are built and both asked about in the same query
 * round trip; the host's family picks which one checks and applies.
 */
import { defineResource, type AnyResource, type HostFacts } from '../../lib/index.js';

export type Family = 'debian' | 'redhat';

export function perFamily(variants: Readonly<Record<Family, AnyResource>>): AnyResource {
  const { debian, redhat } = variants;
  if (debian.id !== redhat.id) throw new Error(`perFamily: variants must manage the same thing (${debian.id} vs ${redhat.id})`);
  const split = debian.queries.length;
  const pick = (facts: HostFacts, answers: readonly unknown[]): [AnyResource, unknown[]] => {
    if (facts.os.family === 'debian') return [debian, answers.slice(0, split)];
    if (facts.os.family === 'redhat') return [redhat, answers.slice(split)];
    throw new Error(`${debian.id}: no variant for OS "${facts.os.id}" (known: debian, redhat families)`);
  };
  return defineResource<unknown[]>({
    id: debian.id,
    ...(debian.notify ? { notify: debian.notify } : {}),
    ...(debian.tags ? { tags: debian.tags } : {}),
    reads: [...new Set([...(debian.reads ?? []), ...(redhat.reads ?? [])])],
    writes: [...new Set([...(debian.writes ?? []), ...(redhat.writes ?? [])])],
    queries: [...debian.queries, ...redhat.queries] as never,
    check(answers, facts) {
      const [r, a] = pick(facts, answers);
      return r.check(a, facts);
    },
    apply(answers, facts, changes) {
      const [r, a] = pick(facts, answers);
      return r.apply(a, facts, changes);
    },
  });
}
