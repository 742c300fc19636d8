/**
 * A run's state on a host, as POSIX sh, pure: the per-host lock (flock, held by the first query's shell,
 * left waiting on its open stdin for the whole run, so it dies with the controller's connection), the sweep of leftover
 * temp files and the pending-handler journal (one empty file per handler under <state>/pending, written by
 * the action script that made the change, removed by the handler's own script).
 */
import type { GroupNotes, RunClaim } from '../core/driver.js';
import { TEMP_PATTERNS, UPLOAD_TEMP, holderLine } from '../core/driver.js';
import { quote } from './shell-quote.js';

/**
 * Where the state lives (`st`: the journal; `rn`: the lock): root's system dirs, else the login user's.
 * "Root" is tested as "may write /var/lib and /run" (test -w: no process, unlike id -u).
 */
export function stateDirs(override?: string): string {
  if (override !== undefined) return `st=${quote(override)}; rn="$st"`;
  return 'if [ -w /var/lib ] && [ -w /run ]; then st=/var/lib/tsplay; rn=/run/tsplay; else st="${XDG_STATE_HOME:-$HOME/.local/state}/tsplay"; rn="$st"; fi';
}

/**
 * The first query takes the host's lock itself: flock on fd 9 of the script's shell, which, once the
 * answers are out, execs `cat` on its still open stdin and so holds the lock until the controller closes
 * the connection or dies (sshd then closes the channel). The holder's line goes into the lock file; a run
 * that waited past the timeout prints it in a `busy` section instead of answers. The holder being this
 * same run (one machine named twice in the inventory, as two users say) shares the lock instead of waiting
 * for itself until the timeout; so the wait polls (every 0.1 s) rather than blocks in flock -w.
 */
function lockLines(claim: RunClaim, boundary: string): string[] {
  const tries = Math.max(0, Math.ceil(claim.lockTimeoutMs / 100));
  const mine = `run ${claim.id} `;
  return [
    `{ [ -d "$rn" ] || mkdir -p -- "$rn"; } && : >>"$rn/lock" || exit 1`,
    'exec 9<"$rn/lock"',
    // Without flock (not util-linux) the run goes on unlocked rather than not at all.
    'if command -v flock >/dev/null 2>&1; then',
    `w=0; until flock -n 9; do case "$(head -n 1 "$rn/lock")" in ${quote(mine)}*) break;; esac; [ "$w" -lt ${tries} ] || { printf '\\n%s\\n' '${boundary} busy'; head -n 1 "$rn/lock"; exit 75; }; sleep 0.1; w=$((w + 1)); done`,
    'fi',
    `printf '%s\\n' ${quote(holderLine(claim))} >"$rn/lock"`,
  ];
}

/** The script's last line while it holds the lock: wait for the end of stdin (the connection). */
export const HOLD_TAIL = 'exec cat >/dev/null';

/** The holder's line from a `busy` section, or undefined when the lock was taken. */
export function busyHolder(stdout: string, boundary: string): string | undefined {
  const head = `\n${boundary} busy\n`;
  const at = stdout.indexOf(head);
  return at < 0
    ? undefined
    : stdout
        .slice(at + head.length)
        .split('\n')[0]!
        .trim();
}

/**
 * Prepended to the first query script: take the lock (when `lock`), then remove leftover temp files
 * beside the run's paths (files and extract dirs of TEMP_PATTERNS, and uploads in /tmp) - the lock is held
 * by then, so no live run's temp can be among them - and list the journal in a `session` section.
 */
export function sessionPreamble(boundary: string, claim: RunClaim, lock: boolean, stateDir?: string): string {
  const [file, dir] = TEMP_PATTERNS;
  const sweep = claim.sweep;
  return [
    'umask 022',
    stateDirs(stateDir),
    ...(lock ? lockLines(claim, boundary) : []),
    ...(sweep.length
      ? [
          `find ${sweep.map(quote).join(' ')} -mindepth 1 -maxdepth 1 \\( -type f -name '${file}' -o -type d -name '${dir}' \\) -exec rm -rf -- {} + 2>/dev/null`,
          `for f in ${UPLOAD_TEMP}*; do if [ -f "$f" ]; then rm -f -- "$f" 2>/dev/null; fi; done`,
        ]
      : []),
    `printf '\\n%s\\n' '${boundary} session'`,
    'if [ -d "$st/pending" ]; then for f in "$st/pending"/*; do if [ -f "$f" ]; then printf \'%s\\n\' "${f##*/}"; fi; done; fi',
    ':',
  ].join('\n');
}

/** The journal keys from a query script's output: the `session` section's lines. */
export function parseSession(stdout: string, boundary: string): string[] {
  const head = `\n${boundary} session\n`;
  const at = stdout.indexOf(head);
  if (at < 0) throw new Error('the session section is missing');
  const rest = stdout.slice(at + head.length);
  const end = rest.indexOf(`\n${boundary} `);
  return (end < 0 ? rest : rest.slice(0, end)).split('\n').filter(Boolean);
}

/**
 * Lines for one group's journal notes, run inside its set -e subshell (a failed write fails the group). test is
 * a builtin: the pending dir costs a mkdir only in the first group that finds it missing, a clear an rm only
 * when one of its notes is there.
 */
export function noteLines(notes: GroupNotes): string[] {
  const dir = '"$st/pending"';
  const paths = (ks: readonly string[]) => ks.map((k) => `${dir}/${quote(k)}`);
  return [
    ...(notes.pend?.length ? [`if [ ! -d ${dir} ]; then mkdir -p -- ${dir}; fi`, `: >${paths(notes.pend).join(' && : >')}`] : []),
    ...(notes.clear?.length
      ? [
          `if ${paths(notes.clear)
            .map((f) => `[ -e ${f} ]`)
            .join(' || ')}; then rm -f -- ${paths(notes.clear).join(' ')}; fi`,
        ]
      : []),
  ];
}
