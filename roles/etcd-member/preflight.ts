/**
 * Before an operation that changes membership touches any host (a control-plane add or remove that also
 * adds or removes etcd members): the cluster asked, read-only, whether the change may go ahead, with the
 * same judgement the change itself makes (judgeAdd, judgeRemove): strangers, unstarted or unhealthy
 * members before an add, a removal that would leave fewer healthy members than a quorum. It changes
 * nothing; a refusal fails the host, and the play stops the run.
 */
import { defineResource, q, type Change, type Resource } from '../../lib/index.js';
import { healthCommand } from '../etcd/gate.js';
import type { Member } from '../etcd/members.js';
import { memberListCommand } from './commands.js';
import { judgeAdd, judgeRemove } from './plan.js';
import { seenFrom } from './seen.js';
import type { EtcdMemberVars } from './vars.js';

interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
}

const asks = (v: EtcdMemberVars, me: Member) => [q.command(memberListCommand(v, me.address)), q.command(healthCommand(v, me.address))] as const;

export interface AddPreflight {
  readonly vars: EtcdMemberVars;
  readonly me: Member;
  readonly group: readonly Member[];
  readonly base: readonly Member[];
  readonly adding: readonly Member[];
}

/** Each round as the add would judge it, up to the first that changes the cluster (later ones depend on it). */
export function addPreflight(s: AddPreflight): Resource<[CommandResult, CommandResult]> {
  return defineResource<[CommandResult, CommandResult]>({
    id: `etcd-member-preflight:add:${s.adding.map((m) => m.name).join(',')}`,
    reads: [],
    writes: [],
    queries: asks(s.vars, s.me),
    check([list, health]): Change[] {
      const seen = seenFrom(s.me, list, health);
      for (const [i, target] of s.adding.entries()) {
        const a = judgeAdd({ seen, group: s.group, base: s.base, earlier: s.adding.slice(0, i), target, check: true, removedEarlier: [] });
        if (a.kind !== 'member') break;
      }
      return [];
    },
    apply: () => [],
  });
}

export interface RemovePreflight {
  readonly vars: EtcdMemberVars;
  readonly me: Member;
  readonly staying: readonly Member[];
  readonly removing: readonly Member[];
}

export function removePreflight(s: RemovePreflight): Resource<[CommandResult, CommandResult]> {
  return defineResource<[CommandResult, CommandResult]>({
    id: `etcd-member-preflight:remove:${s.removing.map((m) => m.name).join(',')}`,
    reads: [],
    writes: [],
    queries: asks(s.vars, s.me),
    check([list, health]): Change[] {
      judgeRemove({ seen: seenFrom(s.me, list, health), staying: s.staying, removing: s.removing });
      return [];
    },
    apply: () => [],
  });
}
