/** The cluster as one member sees it: its `member list` and `endpoint health --cluster` answers, read. Pure. */
import { parseHealth } from '../etcd-backup/choose.js';
import type { Member } from '../etcd/members.js';
import { healthyUrls, parseMemberList, type Seen } from './plan.js';

interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
}

export function seenFrom(me: Member, list: CommandResult, health: CommandResult): Seen {
  if (list.exitCode !== 0)
    throw new Error(
      `etcdctl member list on ${me.name} (${me.clientUrl}) failed (exit ${list.exitCode}): ${list.stdout.trim().slice(0, 200) || 'is etcd running there?'}`,
    );
  return { list: parseMemberList(list.stdout), healthy: healthyUrls(parseHealth(health.stdout)) };
}
