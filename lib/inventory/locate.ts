/**
 * Where a module failed to load, read from the error the loader threw. Pure: text in, location out.
 *
 * Three shapes, measured with Node 20.20 + ts-node/esm/transpile-only (swc):
 * - swc syntax error (code GenericFailure): `  x Unexpected token ...\n   ,-[/abs/file.ts:4:1]\n 4 | code\n   :    ^`
 *   The header's column is that of the code frame, so the column is read from the caret line.
 * - Node's CommonJS SyntaxError: the stack starts with `/abs/file.ts:3\n<code>\n   ^`.
 * - An exception thrown while evaluating: stack frames `at f (/abs/file.ts:4:9)` or `at file:///abs/file.js:6:25`.
 */
import { fileURLToPath } from 'node:url';

export interface Location {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

export interface SwcSyntaxError extends Location {
  /** What swc says is wrong, first line only. */
  readonly reason: string;
  /** swc's code frame around the error (source lines and the caret line). */
  readonly frame: string;
}

const SWC_HEADER = /^\s*,-\[(.+):(\d+):(\d+)\]\s*$/;

/** The location and reason of an swc parse error, or undefined when the message is not one. */
export function swcSyntaxError(message: string): SwcSyntaxError | undefined {
  const lines = message.split('\n');
  const at = lines.findIndex((l) => SWC_HEADER.test(l));
  if (at < 0) return undefined;
  const [, file, line, column] = SWC_HEADER.exec(lines[at]!)!;
  const end = lines.findIndex((l, i) => i > at && /^\s*`-+\s*$/.test(l));
  const frame = lines.slice(at + 1, end < 0 ? undefined : end);
  const caret = frame.find((l) => /^\s*:\s.*\^/.test(l));
  // The caret line's gutter ("   : ") is as wide as the source lines' gutter (" 4 | ").
  const col = caret ? caret.indexOf('^') - (caret.indexOf(':') + 2) + 1 : Number(column);
  const reason = (lines[0] ?? '').replace(/^\s*x\s+/, '').trim();
  return { file: file!, line: Number(line), column: col, reason, frame: frame.join('\n') };
}

/** Node's CommonJS SyntaxError puts `file:line` first in the stack. */
export function cjsSyntaxLocation(stack: string): Location | undefined {
  const m = /^(\/[^\n]*?|[A-Za-z]:\\[^\n]*?):(\d+)\n/.exec(stack);
  return m ? { file: m[1]!, line: Number(m[2]) } : undefined;
}

const FRAME = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?\s*$/;

const toPath = (f: string): string => (f.startsWith('file://') ? fileURLToPath(f) : f);

/** The first stack frame inside `file` (absolute path), i.e. the line of the file that threw. */
export function frameIn(stack: string, file: string): Location | undefined {
  for (const l of stack.split('\n')) {
    if (!/^\s+at /.test(l)) continue;
    const m = FRAME.exec(l);
    if (m && toPath(m[1]!) === file) return { file, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}

/** `Cannot find module '/abs/x.js' imported from /abs/inv.ts` -> what was missing and who imported it. */
export function missingImport(message: string): { missing: string; importer: string } | undefined {
  const m = /^Cannot find (?:module|package) '([^']+)' imported from (.+)$/m.exec(message);
  return m ? { missing: m[1]!, importer: toPath(m[2]!.trim()) } : undefined;
}

/** The 1-based line of `text` that imports `missing` (a resolved path or a package name). */
export function importLine(text: string, missing: string): number | undefined {
  const stem = (missing.split('/').pop() ?? missing).replace(/\.[cm]?[jt]s$/, '');
  const at = text.split('\n').findIndex((l) => /\bimport\b|\bfrom\b/.test(l) && l.includes(stem));
  return at < 0 ? undefined : at + 1;
}

/** `file:line:col` as an editor and a terminal understand it. */
export const formatLocation = (shown: string, loc: Pick<Location, 'line' | 'column'>): string => `${shown}:${loc.line}${loc.column ? `:${loc.column}` : ''}`;
