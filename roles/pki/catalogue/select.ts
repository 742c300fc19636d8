/**
 * Which leaves a renewal re-issues, from the operator's words: `all`, catalogue ids (`etcd-server:lab-1`,
 * `apiserver`) and kinds (the id before its `:`, e.g. `etcd-server`, `kubelet`), comma-separated. CAs are
 * refused here (re-issuing one cuts every host off from the others: that is a rotation, see rotation.ts).
 * Unknown words are refused with the closest names. Pure.
 */
import { ConfigError, didYouMean } from '../../../lib/index.js';
import type { Want } from './catalog.js';

const kindOf = (id: string): string => id.split(':')[0]!;

/** The catalogue ids to renew (deduplicated, catalogue order), or 'all' for every leaf certificate. */
export function selectRenewal(wants: readonly Want[], words: string, where: string): readonly string[] | 'all' {
  const tokens = words
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (tokens.includes('all')) return 'all';
  const leaves = wants.filter((w) => w.kind === 'keypair' || (w.kind === 'cert' && w.usage !== 'ca'));
  const ids = leaves.map((w) => w.id);
  const kinds = [...new Set(ids.filter((id) => id.includes(':')).map(kindOf))];
  const picked = new Set<string>();
  for (const t of tokens) {
    const ca = wants.find((w) => w.id === t && w.kind === 'cert' && w.usage === 'ca');
    if (ca)
      throw new ConfigError(
        `"${t}" is a CA: renewing it would cut the hosts off from each other; rotate it instead (playbooks/certs-etcd-ca.ts for etcd-ca)`,
        where,
      );
    const matched = ids.filter((id) => id === t || (kindOf(id) === t && id.includes(':')));
    if (matched.length === 0) throw new ConfigError(`unknown certificate "${t}".${didYouMean(t, ['all', ...kinds, ...ids])}`, where);
    for (const id of matched) picked.add(id);
  }
  return ids.filter((id) => picked.has(id));
}
