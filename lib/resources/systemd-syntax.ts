/**
 * Values inside systemd unit files, rendered so that what a var holds lands literally or is refused,
 * naming the field. The rules are systemd's own (systemd 252, man pages read on a Debian 12 host):
 * - systemd.syntax(7): a line ends at LF, CR or NUL, and a trailing backslash joins the next line, so a value
 *   holding any of them could add settings of its own (`x\r[Service]\rExecStartPre=+/bin/sh ...`);
 *   whitespace around a value is dropped; quoted items take C escapes (`\\`, `\"`).
 * - systemd.unit(5) SPECIFIERS: `%n`, `%h`, ... are expanded in most settings; `%%` is a literal `%`.
 * - systemd.service(5) COMMAND LINES: words are split at unquoted whitespace, a lone `;` separates
 *   commands, `$VAR`/`${VAR}` are substituted (`$$` is a literal `$`), a first word starting with
 *   `-`, `@`, `:`, `+` or `!` changes how it runs (`+` is "as root, unconfined"), and control characters
 *   are not allowed.
 * Every role renders its unit files' variable parts through here. Pure.
 */
import { shown } from './common.js';

/** C0 and C1 controls and DEL (`\p{Cc}`), and lone surrogates, which cannot be written as UTF-8. */
const CONTROL = /[\p{Cc}\p{Cs}]/u;

const NAMES: Readonly<Record<string, string>> = { '\0': 'NUL', '\t': 'TAB', '\n': 'LF (newline)', '\r': 'CR (carriage return)', '\x1b': 'ESC' };

function describeChar(c: string): string {
  const code = c.codePointAt(0)!;
  return NAMES[c] ?? `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Refuse what systemd would read as a line break, end of file or garbage: control characters. */
function refuseControl(field: string, s: string): void {
  const m = CONTROL.exec(s);
  if (m) throw new Error(`${field}: control character ${describeChar(m[0])} is not allowed in a systemd unit value: ${shown(s)}`);
}

const specifiers = (s: string) => s.replace(/%/g, '%%');

/**
 * A plain setting value (Description=, User=, WorkingDirectory=, EnvironmentFile=, ...): one line, `%`
 * escaped. Leading or trailing whitespace (which systemd drops) and a trailing backslash (which joins the
 * next line) are refused: neither could land literally.
 */
export function unitValue(field: string, s: string): string {
  refuseControl(field, s);
  if (s.trim() !== s) throw new Error(`${field}: leading or trailing whitespace would be dropped by systemd: ${shown(s)}`);
  if (s.endsWith('\\')) throw new Error(`${field}: a trailing backslash would join the next line of the unit file: ${shown(s)}`);
  return specifiers(s);
}

/** A word systemd reads back as itself without quotes: no whitespace, quote or backslash, not a lone `;`. */
const BARE = /^[^\s"'\\]+$/;

/** Double quotes with the two C escapes systemd.syntax(7) requires inside them. */
const quoted = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** One argument of a command line, read back by systemd as exactly `s` ($ and % doubled, quoted when needed). */
export function execArg(field: string, s: string): string {
  refuseControl(field, s);
  const w = specifiers(s).replace(/\$/g, '$$$$');
  return BARE.test(w) && w !== ';' ? w : quoted(w);
}

/**
 * The words of an ExecStart= (or ExecStop=, ...) command line, each rendered: an absolute executable (so
 * no `+`, `-`, `@`, `!` or `:` prefix can be smuggled in by a value, and no search path is involved), then
 * its arguments. For callers that lay the words out on continued lines themselves.
 */
export function execWords(field: string, argv: readonly string[]): string[] {
  const [exe, ...args] = argv;
  if (exe === undefined || !exe.startsWith('/')) throw new Error(`${field}: the command must be an absolute path, got ${shown(exe ?? '')}`);
  // systemd substitutes variables in the arguments but not in the path it executes: a `$` there cannot be written.
  if (exe.includes('$')) throw new Error(`${field}: the command path must not contain "$": ${shown(exe)}`);
  return [execArg(field, exe), ...args.map((a) => execArg(field, a))];
}

/** A whole command line on one line (execWords joined). */
export const execLine = (field: string, argv: readonly string[]): string => execWords(field, argv).join(' ');

/** Words laid out as `a b \` then one word a line: a diff then shows exactly which argument changed. */
export const continued = (words: readonly string[], first = 1): string => [words.slice(0, first).join(' '), ...words.slice(first)].join(' \\\n  ');

/** One Environment= assignment, `NAME=value`, quoted when the value needs it (Environment= expands no `$`). */
export function envAssignment(field: string, name: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`${field}: invalid environment variable name ${shown(name)}`);
  refuseControl(field, value);
  const w = `${name}=${specifiers(value)}`;
  return BARE.test(w) ? w : quoted(w);
}

/**
 * Whole unit-file text: a CR not followed by LF ends a line for systemd but not in a diff, and a NUL ends
 * what systemd reads; refuse both, naming the line.
 */
export function checkUnitText(field: string, text: string): void {
  const m = /\r(?!\n)|\0/.exec(text);
  if (!m) return;
  const line = text.slice(0, m.index).split('\n').length;
  throw new Error(
    `${field}: line ${line} holds a ${describeChar(m[0])}, which systemd reads as ${m[0] === '\0' ? 'the end of the file' : 'a line break'}; render values with unitValue/execLine`,
  );
}
