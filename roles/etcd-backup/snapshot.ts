/**
 * The backup as one resource on every member: its query asks the cluster's health from this member; its
 * check decides (chooseMember) whether this member is the one snapshotted, and says where the file goes;
 * its apply takes the snapshot, fetches snapshot and sidecar to the controller (verified, atomic, older
 * sets pruned once the new one is in place) and removes them from the member. A member that cannot say
 * which members are healthy fails its host: the backup is then taken, or not, by the others, never in silence.
 */
import { defineResource, q, type Action, type Resource } from '../../lib/index.js';
import { healthCommand } from '../etcd/gate.js';
import type { Member } from '../etcd/members.js';
import { chooseMember, parseHealth } from './choose.js';
import { remoteSnapshot, snapshotScript } from './commands.js';
import { setPattern, sidecarOf } from './names.js';
import type { EtcdBackupVars } from './vars.js';

/** What a command query answers (lib's CommandResult, which the public API does not name). */
interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
}

export interface SnapshotPlan {
  readonly vars: EtcdBackupVars;
  readonly me: Member;
  readonly all: readonly Member[];
  readonly cluster: string;
  /** Controller directory and file name of the new snapshot. */
  readonly dir: string;
  readonly name: string;
}

export function etcdSnapshot(p: SnapshotPlan): Resource<[CommandResult]> {
  const local = `${p.dir}/${p.name}`;
  const remote = remoteSnapshot(p.vars, p.name);
  return defineResource<[CommandResult]>({
    id: `etcd-snapshot:${p.cluster}`,
    reads: [],
    writes: [],
    queries: [q.command(healthCommand(p.vars, p.me.address))],
    check([health]) {
      const list = parseHealth(health.stdout);
      const chosen = chooseMember(p.all, list);
      if (!chosen) throw new Error(`no member is healthy, nothing to snapshot: ${list.map((e) => `${e.endpoint} (${e.error ?? 'unhealthy'})`).join(', ')}`);
      if (chosen.name !== p.me.name) return [];
      return [
        {
          field: 'snapshot',
          before: `member ${p.me.name} (${p.me.clientUrl})`,
          after: `${local} (+ ${sidecarOf(p.name)}), keeping the last ${p.vars.etcd_backup_keep}`,
        },
      ];
    },
    apply(): Action[] {
      return [
        { a: 'command', command: snapshotScript(p.vars, p.me, p.cluster, p.name) },
        { a: 'fetch', path: remote, to: local },
        // The sidecar lands last: a snapshot without one is a set a killed run left, which the restore refuses.
        { a: 'fetch', path: sidecarOf(remote), to: sidecarOf(local), keep: { match: setPattern(p.cluster), count: p.vars.etcd_backup_keep } },
        { a: 'remove', path: remote },
        { a: 'remove', path: sidecarOf(remote) },
      ];
    },
  });
}
