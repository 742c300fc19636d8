/**
 * An upload the host fetches itself from a mirror URL (see core/artifact-mirror.ts) -> one sh script: curl (or
 * wget) into a temp file beside the target, sha256 checked on the host, attributes set, fsync, rename. A
 * mismatch removes the temp and fails, leaving the old file; a host that cannot fetch exits UNREACHABLE,
 * and the driver sends the file over SSH instead. Pure.
 */
import type { Action } from '../core/ops.js';
import { tempBeside } from './shell-actions.js';
import { PRELUDE } from './shell-query.js';
import { absolute, attrLines, quote } from './shell-quote.js';

type Upload = Extract<Action, { a: 'upload' }>;

/** The script's exit code when the host has no curl/wget or the fetch fails (EX_TEMPFAIL): the driver falls back to SSH. */
export const UNREACHABLE = 75;

/** Only plain http(s) URLs reach a host's curl: nothing it could read as an option or a local file. */
export function checkMirrorUrl(url: string): string {
  if (!/^https?:\/\/[^\s/'"`\\]+\/\S*$/.test(url)) throw new Error(`not an http(s) mirror URL: ${JSON.stringify(url.slice(0, 120))}`);
  return url;
}

export function renderUrlFetch(a: Upload & { readonly url: string }, salt: string): string {
  const u = quote(checkMirrorUrl(a.url));
  if (!/^[0-9a-f]{64}$/.test(a.sha256)) throw new Error(`upload of ${a.path}: sha256 must be 64 lowercase hex digits, got ${JSON.stringify(a.sha256)}`);
  return [
    PRELUDE,
    'set -e',
    'umask 022',
    `tmp=${quote(tempBeside(absolute(a.path), salt))}`,
    `trap 'rm -f -- "$tmp"' EXIT`,
    "trap 'exit 129' HUP",
    "trap 'exit 141' PIPE",
    "trap 'exit 143' TERM",
    // A bounded connect time: an unreachable mirror costs seconds, not the OS's minutes, before the SSH fallback.
    `if command -v curl >/dev/null 2>&1; then curl -fsS --connect-timeout 5 --retry 1 -o "$tmp" -- ${u} || exit ${UNREACHABLE}`,
    `elif command -v wget >/dev/null 2>&1; then wget -q -T 10 -t 2 -O "$tmp" -- ${u} || exit ${UNREACHABLE}`,
    `else echo 'neither curl nor wget on this host' >&2; exit ${UNREACHABLE}; fi`,
    `got=$(sha256sum -- "$tmp" | cut -d' ' -f1)`,
    `if [ "$got" != ${a.sha256} ]; then printf 'sha256 mismatch for %s: expected %s, got %s (%s left as it was)\\n' ${u} ${a.sha256} "$got" ${quote(a.path)} >&2; exit 1; fi`,
    ...(a.mode === undefined ? ['chmod 0644 "$tmp"'] : []),
    ...attrLines(tempBeside(a.path, salt), a),
    // The bytes reach the disk before the rename makes them the file: a crash leaves the old file or the new one.
    'sync -- "$tmp"',
    `mv -f -- "$tmp" ${quote(a.path)}`,
    'trap - EXIT',
    'exit 0',
    '',
  ].join('\n');
}
