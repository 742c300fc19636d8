/**
 * The console reporter. Plain mode (CI, pipes): the log only, one line per change or failure. TTY mode:
 * the same log printed above a live per-host status area, which is cleared before the recap.
 */
import type { ChalkInstance } from 'chalk';
import { WARNING_STEP } from '../core/resource.js';
import type { Mode, Reporter, RunEvent } from './events.js';
import { eventLines, type LineStyle } from './lines.js';
import { intervalTicker, LiveArea, type Ticker } from './live.js';
import { Progress } from './progress.js';
import { printableEvent } from './printable.js';
import { terminalWriter } from './sink.js';

export interface ConsoleOptions {
  readonly out: NodeJS.WritableStream;
  /** Plain mode: where failures (host failed, unreachable, play aborted) go; default `out`. */
  readonly err?: NodeJS.WritableStream;
  /** Inject `new Chalk({ level })`: level 0 for no colour. */
  readonly chalk: ChalkInstance;
  /** Live progress area (only when `out` is a terminal). */
  readonly tty: boolean;
  readonly verbose: number;
  /** Show unified diffs (check mode always does). */
  readonly diff: boolean;
  /** Terminal size; default `out.columns`/`out.rows`, or 80×24. */
  readonly size?: () => { readonly columns: number; readonly rows: number };
  readonly now?: () => number;
  readonly ticker?: Ticker;
}

const FAILURES = new Set<RunEvent['kind']>(['host-failed', 'unreachable', 'play-aborted']);

export function consoleReporter(opts: ConsoleOptions): Reporter {
  const out = terminalWriter(opts.out);
  const err = opts.err ? terminalWriter(opts.err) : out;
  const now = opts.now ?? Date.now;
  const tty = opts.out as Partial<NodeJS.WriteStream>;
  const size = opts.size ?? (() => ({ columns: tty.columns || 80, rows: tty.rows || 24 }));
  let style: LineStyle = { chalk: opts.chalk, verbose: opts.verbose, showDiff: opts.diff, mode: 'apply' };
  let progress = new Progress(now);
  const live = opts.tty
    ? new LiveArea({ write: out, render: (rows) => progress.frame(rows, opts.chalk), size, now, ticker: opts.ticker ?? intervalTicker })
    : undefined;

  // Warnings (certificates near expiry) are printed when they come and again under the recap, where they are seen.
  // They come while the run prepares, before run-start: the recap takes them and starts the next run's list.
  let warnings: string[] = [];
  const begin = (mode: Mode, diff: boolean) => {
    style = { ...style, mode, showDiff: opts.diff || diff || mode === 'check' };
    progress = new Progress(now);
  };
  const withWarnings = (lines: string[]) => {
    const shown = warnings.flatMap((w) => w.split('\n').map((l) => opts.chalk.yellow(`  ${l}`)));
    warnings = [];
    return shown.length ? [...lines, '', opts.chalk.yellow.bold('WARNINGS'), ...shown] : lines;
  };
  const print = (e: RunEvent, lines: readonly string[]) => {
    if (lines.length) (FAILURES.has(e.kind) ? err : out)(lines.map((l) => `${l}\n`).join(''));
  };

  return {
    emit(event) {
      // Every field printable (and redacted) before any formatting: colours added below are the only escapes.
      const e = printableEvent(event);
      if (e.kind === 'run-start') begin(e.mode, e.diff);
      if (e.kind === 'controller' && e.step === WARNING_STEP) warnings.push(e.text);
      const lines = e.kind === 'run-end' ? withWarnings(eventLines(e, style)) : eventLines(e, style);
      if (!live || (!live.running && e.kind !== 'run-start')) return print(e, lines);
      if (e.kind === 'run-end') {
        live.stop();
        return print(e, lines);
      }
      progress.update(e);
      if (e.kind === 'run-start') {
        print(e, lines);
        live.start();
        live.draw();
      } else live.log(lines);
    },
    close() {
      live?.stop();
    },
  };
}
