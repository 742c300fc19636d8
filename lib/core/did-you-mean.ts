/** "Did you mean" suggestions for unknown names (groups, hosts, tags, roles, vars). */

/** Levenshtein distance, two rows at a time. */
export function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Up to three known names close to `name`, nearest first. */
export function suggest(name: string, known: Iterable<string>): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  return [...new Set(known)]
    .map((k) => ({ k, d: distance(name.toLowerCase(), k.toLowerCase()) }))
    .filter(({ k, d }) => d <= limit || k.toLowerCase().startsWith(name.toLowerCase()))
    .sort((x, y) => x.d - y.d || x.k.localeCompare(y.k))
    .slice(0, 3)
    .map(({ k }) => k);
}

/** ` Did you mean "a" or "b"?` or '' — appended to an "unknown X" message. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const s = suggest(name, known).map((k) => `"${k}"`);
  if (s.length === 0) return '';
  return ` Did you mean ${s.length === 1 ? s[0] : `${s.slice(0, -1).join(', ')} or ${s.at(-1)}`}?`;
}
