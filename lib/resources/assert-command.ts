/**
 * assertCommand: a read-only check that fails the host when a command does not succeed (a smoke test).
 * It changes nothing and costs nothing extra: the command runs inside the role's one query round trip,
 * in check mode too. Its stdout is the failure's explanation.
 */
import type { CommandResult } from '../core/ops.js';
import { q } from '../core/ops.js';
import { defineResource, type Resource } from '../core/resource.js';
import { checkCommand, meta, type Common } from './common.js';

export interface AssertCommandOptions extends Omit<Common, 'notify' | 'secret'> {
  /** Shown in the id and in the failure. */
  readonly name: string;
  /** Read-only; exit 0 means the assertion holds. */
  readonly command: string;
}

export function assertCommand(o: AssertCommandOptions): Resource<[CommandResult]> {
  return defineResource<[CommandResult]>({
    ...meta(`assert:${o.name}`, o, [], []),
    queries: [q.command(checkCommand(`assert ${o.name}`, o.command))],
    check([r]) {
      if (r.exitCode !== 0)
        throw new Error(`${o.name}: failed (exit ${r.exitCode})${r.stdout.trim() ? `: ${r.stdout.trim().split('\n').slice(-5).join(' / ')}` : ''}`);
      return [];
    },
    apply: () => [],
  });
}
