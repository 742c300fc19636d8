/**
 * An action batch -> steps: scripts (one per run of non-upload actions) and uploads (Connection.put).
 * Uploads must land after whatever earlier in the batch creates their directory, so an upload is sent
 * ahead of the pending script unless that script may touch its path (a mkdir of a parent, a package or a
 * command, whose effects are unknown); only then is the script flushed first. A role whose directories
 * already exist thus pays one round trip per upload plus one script. Pure.
 */
import type { Action } from '../core/ops.js';
import { renderAction } from './shell-actions.js';
import { PRELUDE } from './shell-query.js';

type Upload = Extract<Action, { a: 'upload' }>;

export interface ScriptPart { readonly group: number; readonly actions: readonly Action[] }
export type Step =
  | { readonly kind: 'script'; readonly parts: readonly ScriptPart[] }
  | { readonly kind: 'upload'; readonly group: number; readonly action: Upload };

const within = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

/** May `a`, run before an upload to `path`, change whether or how that upload lands? */
function touches(a: Action, path: string): boolean {
  switch (a.a) {
    case 'mkdir': case 'attrs': case 'remove': case 'write': return within(path, a.path) || within(a.path, path);
    case 'extract': return within(path, a.dest);
    case 'package': case 'command': case 'user': return true;
    default: return false;
  }
}

/** Split `groups` into steps, in an order that keeps every upload after what it depends on. */
export function planSteps(groups: readonly (readonly Action[])[]): Step[] {
  const steps: Step[] = [];
  let pending: { group: number; actions: Action[] }[] = [];
  const flush = () => {
    if (pending.length) steps.push({ kind: 'script', parts: pending });
    pending = [];
  };
  groups.forEach((actions, group) => {
    for (const a of actions) {
      if (a.a === 'upload') {
        if (pending.some((p) => p.actions.some((x) => touches(x, a.path)))) flush();
        steps.push({ kind: 'upload', group, action: a });
      } else {
        const last = pending[pending.length - 1];
        if (last?.group === group) last.actions.push(a);
        else pending.push({ group, actions: [a] });
      }
    }
  });
  flush();
  return steps;
}

/**
 * One script for `parts`: each group in a `set -e` subshell; `<boundary> done i` on stdout after group i
 * succeeds and `<boundary> group i` on stderr before it starts, so a failure is pinned to its group and its
 * stderr. The subshell is not part of an && / || list: POSIX ignores set -e inside one that is.
 */
export function renderActScript(parts: readonly ScriptPart[], boundary: string, salt: string): string {
  const lines = [PRELUDE, 'export DEBIAN_FRONTEND=noninteractive', 'umask 022'];
  let reloaded = false;
  parts.forEach((part, k) => {
    lines.push(`printf '%s\\n' '${boundary} group ${part.group}' >&2`, '(', 'set -e');
    part.actions.forEach((a, j) => {
      lines.push(...renderAction(a, `${salt}-${k}-${j}`, reloaded));
      reloaded ||= a.a === 'systemctl' && a.verb === 'daemon-reload';
    });
    lines.push(') </dev/null', 'r=$?; [ "$r" -eq 0 ] || exit "$r"', `printf '%s\\n' '${boundary} done ${part.group}'`);
  });
  lines.push('exit 0', '');
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
  return from.split('\n').filter((l) => !l.startsWith(`${boundary} `)).join('\n').trim();
}
