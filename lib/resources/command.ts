/**
 * command: run a shell command unless a guard says it already did its job - `creates` (a path that
 * exists), `unless` (a command that succeeds) or `onlyIf` (a command that must succeed for it to run).
 * Without a guard it runs on every apply, and its change says so.
 */
import type { CommandResult, FileState, TypedQuery } from '../core/ops.js';
import { q } from '../core/ops.js';
import type { Change } from '../core/resource.js';
import { defineResource, type Resource } from '../core/resource.js';
import { checkCommand, checkPath, meta, type Common } from './common.js';

export interface CommandOptions extends Common {
  readonly command: string;
  /** Shown in the id instead of the command (long or secret commands). */
  readonly name?: string;
  readonly creates?: string;
  readonly unless?: string;
  readonly onlyIf?: string;
  /** Sent to the command's stdin (never on a command line). */
  readonly stdin?: string;
  /** State keys the command changes, for check mode's dependency marks. */
  readonly writes?: readonly string[];
  readonly reads?: readonly string[];
}

type Answer = FileState | CommandResult;

export function command(o: CommandOptions): Resource<Answer[]> {
  // The id reaches every report: a secret command must be named, or its text would be shown there.
  if (o.secret && o.name === undefined) throw new Error('command: a secret command needs a name (its id is shown in reports; the command is not)');
  checkCommand('command', o.command);
  if (o.unless !== undefined) checkCommand('command unless', o.unless);
  if (o.onlyIf !== undefined) checkCommand('command onlyIf', o.onlyIf);
  const creates = o.creates === undefined ? undefined : checkPath('command creates', o.creates);
  const guards: { kind: 'creates' | 'unless' | 'onlyIf'; query: TypedQuery<Answer> }[] = [
    ...(creates !== undefined ? [{ kind: 'creates' as const, query: q.file(creates) }] : []),
    ...(o.unless !== undefined ? [{ kind: 'unless' as const, query: q.command(o.unless) }] : []),
    ...(o.onlyIf !== undefined ? [{ kind: 'onlyIf' as const, query: q.command(o.onlyIf) }] : []),
  ];
  const shown = o.secret ? undefined : o.command;
  return defineResource<Answer[]>({
    ...meta(
      `command:${o.name ?? o.command}`,
      o,
      [...(creates ? [`path:${creates}`] : []), ...(o.reads ?? [])],
      [...(creates ? [`path:${creates}`] : []), ...(o.writes ?? [])],
    ),
    queries: guards.map((g) => g.query),
    check(answers) {
      const why: string[] = [];
      for (const [i, g] of guards.entries()) {
        const a = answers[i];
        if (g.kind === 'creates' && (a as FileState).exists) return [];
        if (g.kind === 'unless' && (a as CommandResult).exitCode === 0) return [];
        if (g.kind === 'onlyIf' && (a as CommandResult).exitCode !== 0) return [];
        why.push(
          g.kind === 'creates'
            ? `${creates} is missing`
            : g.kind === 'unless'
              ? `unless guard exited ${(a as CommandResult).exitCode}`
              : 'onlyIf guard succeeded',
        );
      }
      const change: Change = {
        field: 'run',
        before: why.length ? why.join('; ') : 'no guard: runs on every apply',
        ...(shown !== undefined ? { after: shown } : {}),
      };
      return [change];
    },
    apply: () => [{ a: 'command', command: o.command, ...(o.stdin !== undefined ? { stdin: o.stdin } : {}) }],
  });
}
