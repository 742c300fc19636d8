/**
 * `member remove` for the named members, as a resource on each member that stays: its queries ask the
 * cluster from that member; check decides (judgeRemove) the order and refuses a removal that would leave
 * fewer healthy members than a quorum at any step; the first healthy staying member (inventory order)
 * runs the removals, one command each. Nothing to do once none of them is a member.
 */
import { defineResource, q, type Action, type Change, type Resource } from '../../lib/index.js';
import { healthCommand } from '../etcd/gate.js';
import type { Member } from '../etcd/members.js';
import { memberListCommand, memberRemoveCommand } from './commands.js';
import { judgeRemove, type RemoveAnswer } from './plan.js';
import { seenFrom } from './seen.js';
import type { EtcdMemberVars } from './vars.js';

interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
}

export interface RemoveSpec {
  readonly vars: EtcdMemberVars;
  readonly me: Member;
  readonly staying: readonly Member[];
  readonly removing: readonly (Pick<Member, 'name'> & Partial<Pick<Member, 'peerUrl'>>)[];
}

export function memberRemove(s: RemoveSpec): Resource<[CommandResult, CommandResult]> {
  let plan: RemoveAnswer | undefined;
  return defineResource<[CommandResult, CommandResult]>({
    id: `etcd-member-remove:${s.removing.map((m) => m.name).join(',')}`,
    reads: [],
    writes: [],
    queries: [q.command(memberListCommand(s.vars, s.me.address)), q.command(healthCommand(s.vars, s.me.address))],
    check([list, health]): Change[] {
      const seen = seenFrom(s.me, list, health);
      plan = judgeRemove({ seen, staying: s.staying, removing: s.removing });
      if (!plan.remove.length || plan.from.name !== s.me.name) return [];
      const stay = seen.list.filter((c) => !plan!.remove.some((r) => r.id === c.id));
      return plan.remove.map((r, i) => ({
        field: `member remove ${r.name}`,
        before: `member ${r.id} of ${seen.list.length - i}`,
        after: `removed, run on ${s.me.name} (${s.me.clientUrl})${i === plan!.remove.length - 1 ? `; ${stay.length} stay: ${stay.map((c) => c.name || c.id).join(', ')}` : ''}`,
      }));
    },
    apply(answers): Action[] {
      if (!plan) throw new Error('member remove applied without a check');
      void answers;
      return plan.remove.map((r) => ({ a: 'command', command: memberRemoveCommand(s.vars, s.me.address, r.id) }));
    },
  });
}
