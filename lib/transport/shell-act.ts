/**
 * An action batch -> steps: scripts (one per run of non-upload actions), uploads (Connection.put) and
 * fetches (Connection.get, after everything before them in the batch).
 * Uploads must land after whatever earlier in the batch creates their directory, so an upload is sent
 * ahead of the pending script unless that script may touch its path (a mkdir of a parent, a package or a
 * command, whose effects are unknown); only then is the script flushed first. A role whose directories
 * already exist thus pays one round trip per upload plus one script. Pure.
 */
import type { GroupNotes } from '../core/driver.js';
import type { Action } from '../core/ops.js';
import { renderAction } from './shell-actions.js';
import { PRELUDE } from './shell-query.js';
import { parentDir, quote } from './shell-quote.js';
import { noteLines, stateDirs } from './shell-session.js';

type Upload = Extract<Action, { a: 'upload' }>;
type Fetch = Extract<Action, { a: 'fetch' }>;

/** `notes`: the group's journal notes, on its last part (written once everything of the group is done). */
export interface ScriptPart {
  readonly group: number;
  readonly actions: readonly Action[];
  readonly notes?: GroupNotes;
}
export type Step =
  | { readonly kind: 'script'; readonly parts: readonly ScriptPart[] }
  | { readonly kind: 'upload'; readonly group: number; readonly action: Upload }
  | { readonly kind: 'fetch'; readonly group: number; readonly action: Fetch };

const within = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

/** May `a`, run before an upload to `path`, change whether or how that upload lands? */
function touches(a: Action, path: string): boolean {
  switch (a.a) {
    case 'mkdir':
    case 'attrs':
    case 'remove':
    case 'write':
      return within(path, a.path) || within(a.path, path);
    case 'extract':
      return within(path, a.dest);
    case 'package':
    case 'command':
    case 'user':
      return true;
    default:
      return false;
  }
}

/**
 * Split `groups` into steps, in an order that keeps every upload after what it depends on. A group with
 * journal notes ends in a script part that carries them, after its last upload.
 */
export function planSteps(groups: readonly (readonly Action[])[], notes: ReadonlyMap<number, GroupNotes> = new Map()): Step[] {
  const steps: Step[] = [];
  let pending: { group: number; actions: Action[]; notes?: GroupNotes }[] = [];
  const flush = () => {
    if (pending.length) steps.push({ kind: 'script', parts: pending });
    pending = [];
  };
  groups.forEach((actions, group) => {
    for (const a of actions) {
      if (a.a === 'fetch') {
        // A fetch reads what the actions before it made (a snapshot written by a command): they run first.
        flush();
        steps.push({ kind: 'fetch', group, action: a });
      } else if (a.a === 'upload') {
        if (pending.some((p) => p.actions.some((x) => touches(x, a.path)))) flush();
        steps.push({ kind: 'upload', group, action: a });
      } else {
        const last = pending[pending.length - 1];
        if (last?.group === group) last.actions.push(a);
        else pending.push({ group, actions: [a] });
      }
    }
    const n = notes.get(group);
    if (n && (n.pend?.length || n.clear?.length)) {
      const last = pending[pending.length - 1];
      if (last?.group === group) last.notes = n;
      else pending.push({ group, actions: [], notes: n });
    }
  });
  flush();
  return steps;
}

/** Where a write or extract of this script keeps its temp (tempBeside, the extract scratch dir). */
const tempDir = (a: Action): string | undefined => (a.a === 'write' ? parentDir(a.path) : a.a === 'extract' ? a.dest.replace(/\/+$/, '') || '/' : undefined);

/**
 * The script's own temps, removed whatever way it ends (a failing chown, a killed controller: sshd closes
 * the pipes and the next printf raises SIGPIPE). Every temp name of one script holds its salt, and only its.
 */
function cleanupTrap(parts: readonly ScriptPart[], salt: string): string[] {
  const dirs = [...new Set(parts.flatMap((p) => p.actions.map(tempDir).filter((d): d is string => d !== undefined)))];
  if (dirs.length === 0) return [];
  const globs = dirs.map((d) => `${quote(d === '/' ? '' : d)}/.*tsplay-*${salt}-*`);
  return [
    `tsplay_clean() { rm -rf -- ${globs.join(' ')} 2>/dev/null; }`,
    'trap tsplay_clean EXIT',
    "trap 'exit 129' HUP",
    "trap 'exit 141' PIPE",
    "trap 'exit 143' TERM",
  ];
}

/**
 * One script for `parts`: each group in a `set -e` subshell; `<boundary> done i` on stdout after group i
 * succeeds and `<boundary> group i` on stderr before it starts, so a failure is pinned to its group and its
 * stderr. The subshell is not part of an && / || list: POSIX ignores set -e inside one that is. A group's
 * journal notes are its subshell's last lines. `stateDir` overrides where the journal lives (tests); `after`:
 * lines run once every group succeeded (the probes, shell-probe.ts).
 */
export function renderActScript(parts: readonly ScriptPart[], boundary: string, salt: string, stateDir?: string, after: readonly string[] = []): string {
  const trap = cleanupTrap(parts, salt);
  const lines = [PRELUDE, 'export DEBIAN_FRONTEND=noninteractive', 'umask 022', ...trap];
  if (parts.some((p) => p.notes)) lines.push(stateDirs(stateDir));
  let reloaded = false;
  parts.forEach((part, k) => {
    lines.push(`printf '%s\\n' '${boundary} group ${part.group}' >&2`, '(', 'set -e');
    part.actions.forEach((a, j) => {
      lines.push(...renderAction(a, `${salt}-${k}-${j}`, reloaded));
      reloaded ||= a.a === 'systemctl' && a.verb === 'daemon-reload';
    });
    if (part.notes) lines.push(...noteLines(part.notes));
    lines.push(') </dev/null', 'r=$?; [ "$r" -eq 0 ] || exit "$r"', `printf '%s\\n' '${boundary} done ${part.group}'`);
  });
  // Every temp of a script that got here was renamed into place or removed: no rm to fork.
  lines.push(...(trap.length ? ['trap - EXIT'] : []), ...after, 'exit 0', '');
  return lines.join('\n');
}

/** Groups that completed, from the done markers in stdout. */
export function doneGroups(stdout: string, boundary: string): Set<number> {
  const re = new RegExp(`^${boundary} done (\\d+)$`, 'gm');
  return new Set([...stdout.matchAll(re)].map((m) => Number(m[1])));
}

/** The stderr of the last group that started (what failed), without the markers. */
export function stderrOfLastGroup(stderr: string, boundary: string): string {
  const at = stderr.lastIndexOf(`${boundary} group `);
  const from = at < 0 ? stderr : stderr.slice(stderr.indexOf('\n', at) + 1);
  return from
    .split('\n')
    .filter((l) => !l.startsWith(`${boundary} `))
    .join('\n')
    .trim();
}
