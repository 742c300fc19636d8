/** Tag selection: --tags keeps what carries one of them, --skip-tags drops what carries one. Pure. */

export interface TagFilter {
  readonly tags: readonly string[];
  readonly skipTags: readonly string[];
}

/** Special tags: `all` (everything, the default) and `never` (only when asked for by name). */
export function selected(carried: readonly string[], f: TagFilter): boolean {
  if (f.skipTags.some((t) => carried.includes(t))) return false;
  if (f.tags.length === 0 || f.tags.includes('all')) return !carried.includes('never') || f.tags.includes('never');
  return f.tags.some((t) => carried.includes(t));
}
