/**
 * The recap printed at the end of a run: one line per host with its counts and round trips (green ok,
 * yellow changed, red failed/unreachable), the slowest roles, and the totals.
 */
import type { ChalkInstance } from 'chalk';
import type { Mode, RunStats } from './events.js';
import { hostOutcome, roleTimes, totals } from './summary.js';
import { duration, plural } from './text.js';

export interface RecapStyle {
  readonly chalk: ChalkInstance;
  readonly mode: Mode;
  /** Roles listed in the timing section. */
  readonly slowest?: number;
}

const KEYS = ['ok', 'changed', 'failed', 'unreachable', 'skipped', 'round trips'] as const;

export function recapLines(stats: RunStats, s: RecapStyle): string[] {
  const c = s.chalk;
  const names = Object.keys(stats.hosts);
  const counts = names.map((n) => {
    const h = stats.hosts[n]!;
    return [h.ok, h.changed, h.failed, h.unreachable ? 1 : 0, h.skipped, h.roundTrips];
  });
  const widths = KEYS.map((_, i) => Math.max(1, ...counts.map((row) => String(row[i]).length)));
  const paint = [c.green, c.yellow, c.red, c.red, c.cyan, (x: string) => x];
  const hostPaint = { ok: c.green, changed: c.yellow, failed: c.red, unreachable: c.red };
  const nameWidth = Math.max(0, ...names.map((n) => n.length));
  const hostLines = names.map((n, r) => {
    const fields = KEYS.map((k, i) => {
      const v = counts[r]![i]!;
      const text = `${k}=${v}`.padEnd(k.length + 1 + widths[i]!);
      return v > 0 ? paint[i]!(text) : text;
    });
    return `${hostPaint[hostOutcome(stats.hosts[n]!)](n.padEnd(nameWidth))}  ${fields.join('  ').trimEnd()}`;
  });
  return [
    '',
    c.bold('RECAP') + (s.mode === 'check' ? c.dim(' (check mode: nothing was changed; changed = would change)') : ''),
    ...hostLines,
    ...untouchedLines(stats, s),
    ...roleLines(stats, s),
    '',
    totalLine(stats, s),
  ];
}

/** The hosts a stopped run never started on: still as they were (e.g. on the old version). */
const untouchedLines = (stats: RunStats, s: RecapStyle): string[] =>
  stats.untouched?.length ? [s.chalk.red(`left untouched (the run stopped before them): ${stats.untouched.join(', ')}`)] : [];

/** The slowest roles: max over hosts (the wall time the role cost) and the sum (the work it did). */
function roleLines(stats: RunStats, s: RecapStyle): string[] {
  const times = roleTimes(stats);
  if (times.length === 0) return [];
  const shown = times.slice(0, s.slowest ?? 5);
  const w = Math.max(...shown.map((t) => t.role.length));
  const title = `roles, slowest first (max over hosts · sum)${times.length > shown.length ? `, ${shown.length} of ${times.length}` : ''}`;
  return [
    '',
    s.chalk.bold(title),
    ...shown.map((t) => `  ${t.role.padEnd(w)}  ${duration(t.maxMs).padStart(6)}  ${s.chalk.dim(`· ${duration(t.sumMs)} over ${plural(t.hosts, 'host')}`)}`),
  ];
}

function totalLine(stats: RunStats, s: RecapStyle): string {
  const t = totals(stats);
  const bad = [t.failedHosts ? s.chalk.red(`${t.failedHosts} failed`) : '', t.unreachable ? s.chalk.red(`${t.unreachable} unreachable`) : ''].filter(Boolean);
  const changed = `${t.changed} ${s.mode === 'check' ? 'would change' : 'changed'}`;
  const total =
    stats.startupMs === undefined ? `total ${duration(stats.ms)}` : `total ${duration(stats.startupMs + stats.ms)} (start-up ${duration(stats.startupMs)})`;
  return `${s.chalk.bold(total)} · ${plural(t.hosts, 'host')} · ${t.changed ? s.chalk.yellow(changed) : changed}${bad.length ? ` · ${bad.join(' · ')}` : ''} · ${plural(t.roundTrips, 'round trip')}`;
}
