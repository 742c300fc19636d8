/**
 * Small pure text helpers shared by the reporters: durations, one-line values, ANSI-aware width fitting.
 */

/** `450ms`, `4.1s`, `2m05s`. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** A ticking clock in whole seconds: `0s`, `42s`, `2m05s`. */
export function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** A value on one line: newlines shown as `↵`, cut to `max` characters with `…`. */
export function oneLine(value: string, max = Infinity): string {
  const flat = value.replace(/\r?\n/g, '↵');
  return flat.length > max ? `${flat.slice(0, Math.max(0, max - 1))}…` : flat;
}

// Colour codes (SGR) and the cursor/erase sequences the live area writes.
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/y;

/** Printed width of a line, ANSI escapes excluded (one column per code point). */
export function visibleLength(line: string): number {
  return [...line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')].length;
}

/**
 * The line cut to `width` printed columns (with `…` and a colour reset when cut), so that a terminal never
 * wraps it: the live area counts lines to move the cursor back over them.
 */
export function fit(line: string, width: number): string {
  if (visibleLength(line) <= width) return line;
  let out = '';
  let shown = 0;
  for (let i = 0; i < line.length; ) {
    ANSI.lastIndex = i;
    const esc = ANSI.exec(line);
    if (esc) {
      out += esc[0];
      i += esc[0].length;
      continue;
    }
    const ch = String.fromCodePoint(line.codePointAt(i)!);
    if (shown === width - 1) return `${out}…${line.includes('\x1b[') ? '\x1b[0m' : ''}`;
    out += ch;
    shown++;
    i += ch.length;
  }
  return out;
}

/** Lines of `text` (no trailing empty line), each prefixed with `pad`. */
export function indent(text: string, pad: string): string[] {
  return text
    .replace(/\n+$/, '')
    .split('\n')
    .map((l) => pad + l);
}

/** `1 host`, `3 hosts`. */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
