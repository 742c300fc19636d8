/**
 * The retry file: after a run in which hosts failed or were unreachable, their names, one per line, so
 * that `--limit @FILE` runs again on just them. A run in which every host converged removes it, so a
 * stale list never re-runs hosts that are fine. In check mode nothing is written.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { RunStats } from '../report/index.js';

/** `.tsplay/retry/site.retry` for playbooks/site.ts, under the working directory. */
export const defaultRetryFile = (playbook: string): string => join('.tsplay', 'retry', `${basename(playbook).replace(/\.[cm]?[jt]s$/, '')}.retry`);

/** Hosts that failed or were unreachable, in the order the stats list them. Pure. */
export const hostsToRetry = (stats: RunStats): string[] =>
  Object.entries(stats.hosts)
    .filter(([, h]) => h.failed > 0 || h.unreachable)
    .map(([n]) => n);

/** Write (or remove) the retry file; the line to tell the user, if any. */
export function updateRetryFile(file: string, stats: RunStats, command: string): string | undefined {
  const hosts = hostsToRetry(stats);
  if (hosts.length === 0) {
    rmSync(file, { force: true });
    return undefined;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${hosts.join('\n')}\n`);
  return `${hosts.length} host${hosts.length === 1 ? '' : 's'} failed or unreachable, listed in ${file}: run them again with ${command} --limit @${file}\n`;
}
