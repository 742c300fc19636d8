/**
 * The new member's first start, as one resource: unless its data dir already holds a member (it joined
 * before; the etcd role owns its configuration from then on), write the env it joins with
 * (initial-cluster-state existing, the initial cluster as `member add` left it), the etcd role's unit,
 * and start etcd, which (Type=notify) returns once the member has caught up with the cluster.
 */
import { defineResource, q, type Action, type Change, type Resource } from '../../lib/index.js';
import type { Member } from '../etcd/members.js';
import { envFile, etcdUnit } from '../etcd/unit.js';
import { initialClusterText, joinEnv } from './commands.js';
import type { EtcdMemberVars } from './vars.js';

interface FileState {
  readonly exists: boolean;
}

export interface JoinSpec {
  readonly vars: EtcdMemberVars;
  readonly me: Member;
  /** The initial cluster: the members before it and itself. */
  readonly cluster: readonly Member[];
  readonly token: string;
  /** The member that runs `member add` for it (named in the output). */
  readonly from: Member;
}

export const memberDir = (v: EtcdMemberVars): string => `${v.etcd_data_dir.replace(/\/$/, '')}/member`;

export function memberJoin(s: JoinSpec): Resource<[FileState]> {
  const v = s.vars;
  const config = v.etcd_config_dir.replace(/\/$/, '');
  return defineResource<[FileState]>({
    id: `etcd-member-join:${s.me.name}`,
    reads: [],
    writes: [`path:${envFile(v)}`, 'path:/etc/systemd/system/etcd.service', 'unit:etcd.service', `path:${v.etcd_data_dir}`],
    queries: [q.file(memberDir(v))],
    check([member]): Change[] {
      if (member.exists) return [];
      return [
        {
          field: 'join',
          before: `${memberDir(v)} absent (not a member yet)`,
          after: `after member add on ${s.from.name}: etcd starts with initial-cluster-state existing, initial cluster ${initialClusterText(s.cluster)}`,
        },
        { field: 'env', after: `${envFile(v)} for the join (the etcd role's own once the member runs)` },
      ];
    },
    apply(): Action[] {
      return [
        { a: 'mkdir', path: config, mode: 0o755 },
        { a: 'mkdir', path: v.etcd_data_dir, mode: 0o700 },
        { a: 'write', path: envFile(v), content: joinEnv(v, s.me, s.cluster, s.token), mode: 0o644 },
        { a: 'write', path: '/etc/systemd/system/etcd.service', content: etcdUnit(v), mode: 0o644 },
        { a: 'systemctl', verb: 'daemon-reload' },
        { a: 'systemctl', verb: 'enable', unit: 'etcd.service' },
        { a: 'systemctl', verb: 'start', unit: 'etcd.service' },
      ];
    },
  });
}
