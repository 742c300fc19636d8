/**
 * Where a file fetched from a host lands on the controller (the `fetch` action): verified against the
 * sha256 the host computed, written to a temp beside the target, flushed and renamed, so a killed run
 * never leaves a half file under the final name. `keep` then prunes older fetched sets beside it.
 * Shared by the shell driver and the fake host, so both land files the same way.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Sets of fetched files to keep: names matching `match` (a RegExp source) whose first group is the set key. */
export interface FetchKeep {
  readonly match: string;
  /** How many sets, newest (highest key by name) first, stay. */
  readonly count: number;
}

/** The files of every set but the newest `count`, among `names`. Pure. */
export function prunable(names: readonly string[], keep: FetchKeep): string[] {
  const re = new RegExp(keep.match);
  const keyOf = new Map(
    names.flatMap((n) => {
      const m = re.exec(n);
      return m?.[1] !== undefined ? [[n, m[1]] as const] : [];
    }),
  );
  const kept = new Set([...new Set(keyOf.values())].sort().reverse().slice(0, Math.max(keep.count, 1)));
  return [...keyOf]
    .filter(([, k]) => !kept.has(k))
    .map(([n]) => n)
    .sort();
}

/** Throws unless `bytes` hash to `sha256`; then lands them at `to` atomically and prunes. Returns what it pruned. */
export function landFetched(to: string, bytes: Uint8Array, sha256: string, keep?: FetchKeep): string[] {
  const got = createHash('sha256').update(bytes).digest('hex');
  if (got !== sha256) throw new Error(`fetched ${bytes.length} bytes hash to sha256 ${got}, not the ${sha256} the host computed: not kept`);
  const dir = dirname(to);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${basename(to)}.tsplay-${randomBytes(6).toString('hex')}`);
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, to);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
  // Older sets go only once the new file is complete under its final name.
  const pruned = keep ? prunable(readdirSync(dir), keep) : [];
  for (const n of pruned) rmSync(join(dir, n), { force: true });
  return pruned;
}
