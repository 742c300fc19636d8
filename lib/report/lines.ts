/**
 * The log: what each event prints, as lines (zx's exhaustive formatter table over the event union).
 * Pure; the console reporter decides where the lines go (straight out, or above the live area).
 */
import type { ChalkInstance } from 'chalk';
import { redact } from '../core/secret.js';
import { dependsNote, renderChanges } from './change.js';
import type { Mode, RunEvent } from './events.js';
import { recapLines } from './recap.js';
import { duration, indent, plural } from './text.js';

export interface LineStyle {
  readonly chalk: ChalkInstance;
  /** 0: changes, failures and headers; 1: also ok/skipped resources and gate retries; 2: also role timings. */
  readonly verbose: number;
  readonly showDiff: boolean;
  readonly mode: Mode;
}

type Of<K extends RunEvent['kind']> = Extract<RunEvent, { kind: K }>;
type Formatters = { readonly [K in RunEvent['kind']]: (e: Of<K>, s: LineStyle) => string[] };

/** At most this many lines of an error (stderr) are shown. */
const MAX_ERROR_LINES = 20;

const LABELS = { ok: 'ok', changed: 'changed', 'would-change': 'would change', failed: 'failed', skipped: 'skipped', retry: 'retry' } as const;
type Label = keyof typeof LABELS;

/** The status column, padded so that host names line up within a run (check mode has the longer label). */
function label(status: Label, s: LineStyle): string {
  const text = LABELS[status].padEnd(s.mode === 'check' ? 14 : 9);
  const c = s.chalk;
  const paint = { ok: c.green, changed: c.yellow, 'would-change': c.yellow, failed: c.red, skipped: c.cyan, retry: c.yellow }[status];
  return paint(text);
}

/** `[lab-9]`, or `[lab-9 (on lab-8)]` for a role delegated to another host. */
const at = (host: string, on?: string) => (on ? `${host} (on ${on})` : host);
const where = (host: string, role: string, what: string, c: ChalkInstance, on?: string) => `${c.bold(`[${at(host, on)}]`)} ${role} › ${what}`;

/** The error's lines, redacted, without the `[host] ` prefix tsplay's errors carry (the line shows the host). */
const errorText = (host: string, error: string) => redact(error.startsWith(`[${host}] `) ? error.slice(host.length + 3) : error).split('\n');

/** An error message under its line: redacted, indented, capped, red. */
function errorLines(error: string | undefined, c: ChalkInstance): string[] {
  if (!error) return [];
  const lines = indent(redact(error), '    ');
  const shown = lines.length > MAX_ERROR_LINES ? [`    … ${lines.length - MAX_ERROR_LINES} earlier lines`, ...lines.slice(-MAX_ERROR_LINES)] : lines;
  return shown.map((l) => c.red(l));
}

const formatters: Formatters = {
  'run-start': (e, s) => [
    s.chalk.bold(`tsplay ${e.playbook}`) +
      s.chalk.dim(` · ${e.mode === 'check' ? 'check mode (nothing will change)' : 'apply'}${e.diff ? ' · diff' : ''} · ${plural(e.hosts.length, 'host')}`),
  ],
  controller: (e, s) => ['', s.chalk.bold(`CONTROLLER [${e.step}]`), ...indent(redact(e.text), '  ')],
  'play-start': (e, s) => ['', s.chalk.bold(`PLAY [${e.play}]`) + s.chalk.dim(` · ${plural(e.hosts.length, 'host')}`)],
  'role-start': (e, s) => [s.chalk.bold.blue(`ROLE [${e.role}]`) + s.chalk.dim(` · ${plural(e.hosts.length, 'host')}`)],
  resource: (e, s) => {
    if ((e.status === 'ok' || e.status === 'skipped') && s.verbose < 1) return [];
    const { inline, block } = renderChanges(e.changes, e.secret ?? false, s);
    const note = e.status === 'would-change' ? dependsNote(e.dependsOn, s.chalk) : '';
    const tail = [inline, note].filter(Boolean).join(' ');
    const head = `${label(e.status, s)}${where(e.host, e.role, e.resource, s.chalk, e.on)}${tail ? `  ${tail}` : ''}`;
    return [head, ...block.map((l) => `    ${l}`), ...errorLines(e.error, s.chalk)];
  },
  handler: (e, s) => [`${label(e.status, s)}${where(e.host, e.role, `handler ${e.handler}`, s.chalk, e.on)}`, ...errorLines(e.error, s.chalk)],
  gate: (e, s) => {
    const what = where(e.host, e.role, `gate ${e.gate}`, s.chalk, e.on);
    if (e.status === 'failed') return [`${label('failed', s)}${what}  after ${plural(e.attempt, 'attempt')}`, ...errorLines(e.error, s.chalk)];
    if (s.verbose < 1) return [];
    if (e.status === 'retry') return [`${label('retry', s)}${what}  attempt ${e.attempt}: ${redact(e.error ?? '').split('\n')[0]}`];
    return [`${label(e.status, s)}${what}${e.status === 'ok' && e.attempt > 1 ? `  (attempt ${e.attempt})` : ''}`];
  },
  'role-end': (e, s) =>
    s.verbose < 2
      ? []
      : [
          s.chalk.dim(
            `${'done'.padEnd(s.mode === 'check' ? 14 : 9)}[${at(e.host, e.on)}] ${e.role}  ${duration(e.ms)}, ${plural(e.roundTrips, 'round trip')}, ${e.changed} changed`,
          ),
        ],
  // The failing resource's own event already showed its stderr: the host line gives the first line (all with -v).
  'host-failed': (e, s) => {
    const [first = '', ...rest] = errorText(e.host, e.error);
    return [s.chalk.red.bold(`FAILED [${e.host}]`) + s.chalk.red(` ${first}`), ...(s.verbose >= 1 ? errorLines(rest.join('\n'), s.chalk) : [])];
  },
  unreachable: (e, s) => {
    const [first = '', ...rest] = errorText(e.host, e.error);
    return [s.chalk.red.bold(`UNREACHABLE [${e.host}]`) + s.chalk.red(` ${first}`), ...errorLines(rest.join('\n'), s.chalk)];
  },
  'cluster-gate': (e, s) => {
    const what = `${s.chalk.bold(`[${e.play}]`)} cluster gate ${e.gate}`;
    if (e.status === 'failed') return [`${label('failed', s)}${what}  after ${plural(e.attempt, 'attempt')}`, ...errorLines(e.error, s.chalk)];
    if (s.verbose < 1) return [];
    if (e.status === 'retry') return [`${label('retry', s)}${what}  attempt ${e.attempt}: ${redact(e.error ?? '').split('\n')[0]}`];
    return [`${label(e.status, s)}${what}${e.status === 'ok' && e.attempt > 1 ? `  (attempt ${e.attempt})` : ''}`];
  },
  'play-aborted': (e, s) => [
    s.chalk.red.bold(`PLAY [${e.play}] aborted: ${e.reason}`),
    ...(e.untouched?.length ? [s.chalk.red(`    left untouched: ${e.untouched.join(', ')}`)] : []),
  ],
  'run-end': (e, s) => recapLines(e.stats, { chalk: s.chalk, mode: e.mode }),
};

/** The lines an event prints (possibly none). */
export function eventLines(e: RunEvent, s: LineStyle): string[] {
  return (formatters[e.kind] as (e: RunEvent, s: LineStyle) => string[])(e, s);
}
