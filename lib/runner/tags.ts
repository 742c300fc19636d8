/** Tag selection: --tags keeps what carries one of them, --skip-tags drops what carries one. Pure. */

export interface TagFilter {
  readonly tags: readonly string[];
  readonly skipTags: readonly string[];
}

/**
 * `levels`: the tags an item carries, outermost first (play, role use, role, resource).
 * Special tags: `all` (everything, the default) and `never` (only when asked for by name: `never` itself,
 * or a tag declared at never's level or below it, so that `--tags etcd` does not unlock a `never` step
 * inside the etcd role, but `--tags wipe` unlocks a step tagged [never, wipe]).
 */
export function selected(levels: readonly (readonly string[])[], f: TagFilter): boolean {
  const carried = levels.flat();
  if (f.skipTags.some((t) => carried.includes(t))) return false;
  const never = levels.findIndex((l) => l.includes('never'));
  if (never >= 0) {
    const unlocking = levels.slice(never).flat();
    return f.tags.includes('never') || f.tags.some((t) => t !== 'all' && unlocking.includes(t));
  }
  return f.tags.length === 0 || f.tags.includes('all') || f.tags.some((t) => carried.includes(t));
}
