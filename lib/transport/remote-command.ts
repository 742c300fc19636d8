/**
 * Pure rendering of the command lines the transports send: POSIX quoting, sudo wrapping (a become password
 * travels on stdin, never on the command line) and the script that finishes an atomic file write.
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname, posix } from 'node:path';
import { SUDO_PROMPT, SUDO_READY } from './sudo-dialogue.js';

/** One POSIX shell word. */
export const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export type SudoMode = 'none' | 'nopasswd' | 'password';

/** How to become root: not at all (root already, or not asked), `sudo -n`, or `sudo -S` with a password. */
export function sudoMode(user: string, sudo: boolean | undefined, hasPassword: boolean, needsPassword: boolean): SudoMode {
  if (!sudo || user === 'root') return 'none';
  return hasPassword && needsPassword ? 'password' : 'nopasswd';
}

/**
 * The command line for `command` in a mode. With a password, sudo asks with a marker prompt on stderr
 * (`-k`: always, never from a cached timestamp) and the command first prints a ready marker on stderr, so
 * the transport can send the password only when asked and the script only once sudo let it run
 * (sudo-dialogue.ts).
 */
export function sudoCommand(command: string, mode: SudoMode): string {
  switch (mode) {
    case 'none':
      return command;
    case 'nopasswd':
      return `sudo -n -- sh -c ${quote(command)}`;
    case 'password':
      return `sudo -S -k -p ${quote(SUDO_PROMPT)} -- sh -c ${quote(`printf '%s\\n' ${quote(SUDO_READY)} >&2\n${command}`)}`;
  }
}

/** A temp name in the target's own directory, so the final rename stays on one filesystem (atomic). */
export function tempBeside(path: string): string {
  return posix.join(dirname(path), `.${basename(path)}.tsplay-${randomBytes(6).toString('hex')}`);
}

export interface Finish {
  readonly mode?: number;
  readonly owner?: string;
  readonly group?: string;
}

/**
 * Script that moves an uploaded file into place: copy it beside the target when it was uploaded elsewhere,
 * apply mode and owner (or keep the old file's), then rename over the target. The temp never survives.
 */
export function finishPutScript(uploaded: string, target: string, opts: Finish, temp = tempBeside(target)): string {
  const owner = opts.owner || opts.group ? `${opts.owner ?? ''}${opts.group ? `:${opts.group}` : ''}` : undefined;
  const lines = [
    'set -e',
    `up=${quote(uploaded)}; tmp=${quote(temp)}; dst=${quote(target)}`,
    // Both temps go whatever fails (a cp to a full disk, a chown to an unknown user).
    `trap 'rm -f "$tmp" "$up"' EXIT`,
    ...(uploaded === temp ? [] : ['cp "$up" "$tmp"; rm -f "$up"']),
    opts.mode !== undefined
      ? `chmod -- ${opts.mode.toString(8).padStart(4, '0')} "$tmp"`
      : 'if [ -e "$dst" ]; then chmod --reference="$dst" "$tmp"; else chmod 0644 "$tmp"; fi',
    // `--`: an owner is an operand, never an option (#16).
    owner ? `chown -- ${quote(owner)} "$tmp"` : 'if [ -e "$dst" ]; then chown --reference="$dst" "$tmp" 2>/dev/null || true; fi',
    'mv -f -- "$tmp" "$dst"',
  ];
  return lines.join('\n');
}

/** Script that prints a file, or exits 3 when it does not exist (get() maps that to undefined). */
export const readFileScript = (path: string): string => `if [ -e ${quote(path)} ]; then exec cat -- ${quote(path)}; else exit 3; fi`;
