/**
 * `member add` for one new member, as a resource on each member that was in the cluster before the run:
 * its queries ask the cluster (member list, health) from that member; check decides (judgeAdd) whether
 * the host is added and whether this member is the one that adds it (the first of them, in inventory
 * order), and says exactly what runs where; apply runs it. Nothing to do once the host is a member.
 */
import { defineResource, q, type Action, type Change, type Resource } from '../../lib/index.js';
import { healthCommand } from '../etcd/gate.js';
import type { Member } from '../etcd/members.js';
import { initialClusterText, memberAddCommand, memberListCommand } from './commands.js';
import { judgeAdd } from './plan.js';
import { seenFrom } from './seen.js';
import type { EtcdMemberVars } from './vars.js';

interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
}

export interface AddSpec {
  readonly vars: EtcdMemberVars;
  readonly me: Member;
  readonly group: readonly Member[];
  readonly base: readonly Member[];
  readonly earlier: readonly Member[];
  readonly target: Member;
  readonly removedEarlier: readonly string[];
}

export function memberAdd(s: AddSpec): Resource<[CommandResult, CommandResult]> {
  let check = false;
  return defineResource<[CommandResult, CommandResult]>({
    id: `etcd-member-add:${s.target.name}`,
    reads: [],
    writes: [],
    queries: [q.command(memberListCommand(s.vars, s.me.address)), q.command(healthCommand(s.vars, s.me.address))],
    prepare(ctx) {
      check = ctx.mode === 'check';
      return Promise.resolve();
    },
    check([list, health]): Change[] {
      const seen = seenFrom(s.me, list, health);
      const a = judgeAdd({ seen, group: s.group, base: s.base, earlier: s.earlier, target: s.target, check, removedEarlier: s.removedEarlier });
      if (a.kind !== 'add' || a.from.name !== s.me.name) return [];
      const now = seen.list.filter((c) => !(check && s.removedEarlier.includes(c.name))).map((c) => c.name);
      const after = s.earlier.filter((m) => !now.includes(m.name)).map((m) => m.name);
      return [
        {
          field: 'member add',
          before: `${now.length + after.length} members: ${[...now, ...after].join(', ')}${after.length ? ` (${after.join(', ')} added earlier in this run)` : ''}`,
          after: `${s.target.name} ${s.target.peerUrl}, run on ${s.me.name} (${s.me.clientUrl}); ${s.target.name} then starts with initial-cluster-state existing, initial cluster ${initialClusterText(a.cluster)}`,
        },
      ];
    },
    apply(): Action[] {
      return [{ a: 'command', command: memberAddCommand(s.vars, s.me.address, s.target) }];
    },
  });
}
