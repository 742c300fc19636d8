/**
 * The live area at the bottom of a terminal: status lines redrawn in place with ANSI cursor moves, log
 * lines printed above it. Redraws are throttled (at most one per `intervalMs`, plus one a second to tick
 * the clocks), each a single write, so a 100-host run costs a few frames a second, not one per event.
 */
import { redact } from '../core/secret.js';
import type { Write } from './sink.js';
import { fit } from './text.js';

/** Runs `fn` every `ms` until stopped; injected so tests can drive frames by hand. */
export type Ticker = (fn: () => void, ms: number) => { stop(): void };

export const intervalTicker: Ticker = (fn, ms) => {
  const t = setInterval(fn, ms);
  t.unref(); // the live area must never keep a finished run alive
  return { stop: () => clearInterval(t) };
};

export interface LiveOptions {
  readonly write: Write;
  /** The status lines for a terminal of this many rows (already limited to them). */
  readonly render: (rows: number) => string[];
  readonly size: () => { readonly columns: number; readonly rows: number };
  readonly now: () => number;
  readonly ticker: Ticker;
  readonly intervalMs?: number;
}

const up = (n: number) => (n > 0 ? `\x1b[${n}A\r\x1b[0J` : '');

export class LiveArea {
  readonly #o: LiveOptions;
  #pending: string[] = [];
  #drawn = 0;
  #dirty = false;
  #lastDraw = -Infinity;
  #timer: { stop(): void } | undefined;

  constructor(o: LiveOptions) {
    this.#o = o;
  }

  get running(): boolean {
    return this.#timer !== undefined;
  }

  start(): void {
    this.#timer ??= this.#o.ticker(() => this.#tick(), this.#o.intervalMs ?? 100);
  }

  /** Lines to print above the area at the next frame. */
  log(lines: readonly string[]): void {
    if (lines.length) this.#pending.push(...lines);
    this.#dirty = true;
  }

  /** Something the status lines show changed. */
  touch(): void {
    this.#dirty = true;
  }

  /** Erase the area and redraw it with the pending log lines above. One write. */
  draw(): void {
    const { columns, rows } = this.#o.size();
    // Half the rows at most, so the log above stays in view. Fit after redacting: a cut must not split a
    // secret out of the mask's sight. Never wrap: a wrapped line breaks the count of lines to move up over.
    const frame = redact(this.#o.render(Math.max(3, Math.floor(rows / 2))).join('\n'))
      .split('\n')
      .map((l) => fit(l, Math.max(1, columns - 1)));
    this.#o.write(up(this.#drawn) + this.#pendingText() + frame.map((l) => `${l}\n`).join(''));
    this.#drawn = frame.length;
    this.#dirty = false;
    this.#lastDraw = this.#o.now();
  }

  /** Print what is pending, erase the area and stop redrawing: the terminal is plain again. */
  stop(): void {
    this.#timer?.stop();
    this.#timer = undefined;
    this.#o.write(up(this.#drawn) + this.#pendingText());
    this.#drawn = 0;
  }

  #pendingText(): string {
    const text = this.#pending.map((l) => `${l}\n`).join('');
    this.#pending = [];
    return text;
  }

  #tick(): void {
    if (this.#dirty || this.#o.now() - this.#lastDraw >= 1000) this.draw();
  }
}
