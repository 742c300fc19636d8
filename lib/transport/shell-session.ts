/**
 * A run's state on a host, as POSIX sh, pure: the per-host lock (flock, held by a process on a channel
 * that stays open for the whole run, so it dies with the controller's connection), the sweep of leftover
 * temp files and the pending-handler journal (one empty file per handler under <state>/pending, written by
 * the action script that made the change, removed by the handler's own script).
 */
import type { GroupNotes, RunClaim } from '../core/driver.js';
import { HostBusy, TEMP_PATTERNS, UPLOAD_TEMP, holderLine } from '../core/driver.js';
import { TsplayError } from '../core/errors.js';
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
 * The lock holder: waits up to the claim's timeout for the lock, writes who holds it into the lock file and
 * prints `tsplay-lock held`, then keeps it (cat holds the fd) until its stdin closes: at close(), or when
 * the controller dies and sshd closes the channel. Busy: `tsplay-lock busy <holder line>`, exit 75.
 */
export function holdScript(claim: RunClaim, stateDir?: string): string {
  const secs = Math.max(0, claim.lockTimeoutMs / 1000).toFixed(3);
  return [
    'umask 022',
    stateDirs(stateDir),
    `mkdir -p -- "$rn" && : >>"$rn/lock" || exit 1`,
    'exec 9<"$rn/lock"',
    // Without flock (not util-linux) the run goes on unlocked rather than not at all.
    `if ! command -v flock >/dev/null 2>&1; then printf '%s\\n' ${quote(holderLine(claim))} >"$rn/lock"; echo 'tsplay-lock none'; exec cat >/dev/null; fi`,
    `if flock -w ${secs} 9; then printf '%s\\n' ${quote(holderLine(claim))} >"$rn/lock"; echo 'tsplay-lock held'; exec cat >/dev/null; fi`,
    `printf 'tsplay-lock busy %s\\n' "$(head -n 1 "$rn/lock")"; exit 75`,
  ].join('\n');
}

/** The holder's first line: undefined when the lock is held, else the error (a busy host names its holder). */
export function holdError(line: string, host: string, timeoutMs: number): Error | undefined {
  if (line === 'tsplay-lock held' || line === 'tsplay-lock none') return undefined;
  const busy = /^tsplay-lock busy (.*)$/.exec(line);
  if (busy) return new HostBusy(host, busy[1]!, timeoutMs);
  return new TsplayError(`[${host}] cannot take the run lock: ${line || 'the lock holder exited without a word'}`);
}

/**
 * Lines that wait until the lock file names `claim` as its holder: the first query is sent together with
 * the holder's command instead of after its answer (a channel's latency saved per host). Polls every 5 ms,
 * for the lock timeout and 2 s more; the holder's own answer says why when the lock never comes.
 */
function lockWait(claim: RunClaim): string[] {
  const polls = Math.ceil((claim.lockTimeoutMs + 2000) / 5);
  return [
    'tsplay_n=0',
    `while :; do IFS= read -r tsplay_h <"$rn/lock" 2>/dev/null || tsplay_h=; case "$tsplay_h" in ${quote(`run ${claim.id} `)}*) break;; esac`,
    `tsplay_n=$((tsplay_n + 1)); if [ "$tsplay_n" -gt ${polls} ]; then echo 'tsplay: the run lock never came' >&2; exit 75; fi; sleep 0.005; done`,
  ];
}

/**
 * Prepended to the first query script: a `session` section listing the journal, after removing leftover
 * temp files beside the run's paths (files and extract dirs of TEMP_PATTERNS, and uploads in /tmp). It
 * runs only once the lock is held (`waitFor`: it waits for it itself), so no live run's temp can be among them.
 */
export function sessionPreamble(boundary: string, sweep: readonly string[], stateDir?: string, waitFor?: RunClaim): string {
  const [file, dir] = TEMP_PATTERNS;
  return [
    stateDirs(stateDir),
    ...(waitFor ? lockWait(waitFor) : []),
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

/** Lines for one group's journal notes, run inside its set -e subshell (a failed write fails the group). */
export function noteLines(notes: GroupNotes): string[] {
  const dir = '"$st/pending"';
  const keys = (ks: readonly string[]) => ks.map((k) => `${dir}/${quote(k)}`).join(' ');
  return [
    ...(notes.pend?.length ? [`mkdir -p -- ${dir}`, `: >${notes.pend.map((k) => `${dir}/${quote(k)}`).join(' && : >')}`] : []),
    ...(notes.clear?.length ? [`rm -f -- ${keys(notes.clear)}`] : []),
  ];
}
