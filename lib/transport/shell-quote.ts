/**
 * POSIX sh quoting, pure. Everything the shell driver puts in a script goes through here: single quotes
 * work the same in dash, bash and busybox sh, unlike bash's $'...' (zx's quote), which dash lacks.
 */

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One shell word that the shell reads back as exactly `s`. */
export function quote(s: string): string {
  if (s.includes('\0')) throw new Error(`cannot pass a NUL byte to the shell: ${JSON.stringify(s.slice(0, 40))}`);
  if (SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * `s` as ONE double-quoted word, for long text (file contents): inside double quotes only \ " $ ` are special,
 * each escaped here. Not quote(): in a UTF-8 locale bash (/bin/sh on RHEL) reads a word of many '\'' pieces in
 * quadratic time (600 kB of quotes: 5.7 s); this one reads in linear time in dash, bash and busybox, whatever
 * the locale (the scripts' own LC_ALL=C is then no condition of speed), and grows a quote by 1 byte, not 3.
 */
export function dquote(s: string): string {
  if (s.includes('\0')) throw new Error(`cannot pass a NUL byte to the shell: ${JSON.stringify(s.slice(0, 40))}`);
  return `"${s.replace(/[\\"$`]/g, '\\$&')}"`;
}

/** The bytes as text a script can carry literally (UTF-8 that round-trips, no NUL), else undefined. */
export function asText(bytes: string | Uint8Array): string | undefined {
  const b = Buffer.from(bytes);
  if (b.includes(0)) return undefined;
  const text = b.toString('utf8');
  return Buffer.from(text).equals(b) ? text : undefined;
}

/** A path a script operates on: absolute (no working directory involved, never read as an option; quote() refuses a NUL). */
export function absolute(path: string): string {
  if (!path.startsWith('/')) throw new Error(`not an absolute path: ${JSON.stringify(path.slice(0, 80))}`);
  return path;
}

/** A command line from words, each quoted. */
export const join = (...words: readonly string[]): string => words.map(quote).join(' ');

/** Delimiter of every heredoc: `_` is not a base64 character, so no base64 line can end the document early. */
export const HEREDOC_END = 'TSPLAY_EOF';

/**
 * Bytes as a base64 heredoc body (76-column lines) fed to `cmd`: `cmd <<'TSPLAY_EOF' ... TSPLAY_EOF`, or
 * `cmd <<'TSPLAY_EOF' | pipeTo ...` when its output goes on to `pipeTo`. Nothing may follow the delimiter
 * line: the shell would not see it as the end of the document.
 */
export function heredoc(cmd: string, bytes: string | Uint8Array, pipeTo?: string): string {
  const b64 = Buffer.from(bytes).toString('base64');
  const lines = b64.match(/.{1,76}/g) ?? [];
  return [`${cmd} <<'${HEREDOC_END}'${pipeTo === undefined ? '' : ` | ${pipeTo}`}`, ...lines, HEREDOC_END].join('\n');
}

/**
 * `chmod`/`chown`/`chgrp` lines for the attributes that are set. `--` before the operands: an owner such as
 * `--reference=/etc/shadow` is then a (bad) user name, never an option.
 */
export function attrLines(path: string, a: { readonly mode?: number; readonly owner?: string; readonly group?: string }): string[] {
  return [...(a.mode !== undefined ? [`chmod -- ${octal(a.mode)} ${quote(path)}`] : []), ...ownerLines(path, a)];
}

/** The `chown`/`chgrp` line of attrLines alone (none when neither owner nor group is set). */
export function ownerLines(path: string, a: { readonly owner?: string; readonly group?: string }): string[] {
  if (a.owner !== undefined) return [`chown -- ${quote(a.group !== undefined ? `${a.owner}:${a.group}` : a.owner)} ${quote(path)}`];
  return a.group !== undefined ? [`chgrp -- ${quote(a.group)} ${quote(path)}`] : [];
}

/** A mode as four octal digits, the way chmod and humans read it: 0644. */
export const octal = (mode: number): string => mode.toString(8).padStart(4, '0');

/** The parent directory of an absolute path (`/` for `/x`). */
export function parentDir(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  return i <= 0 ? '/' : trimmed.slice(0, i);
}

export const baseName = (path: string): string => path.replace(/\/+$/, '').split('/').pop() ?? path;
