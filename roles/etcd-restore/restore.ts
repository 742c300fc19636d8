/**
 * The restore on one member, as one resource. prepare() checks the controller's snapshot against its
 * sidecar before any host is touched (source.ts); check says, per member, exactly what apply will do;
 * apply uploads the snapshot (sha256-verified) and runs the member's restore script (commands.ts).
 * It always changes: a restore is an operation, never a converged state.
 */
import { defineResource, q, type Action, type Change, type Resource } from '../../lib/index.js';
import type { Member } from '../etcd/members.js';
import { asideDir, initialCluster, recordPath, restoreScript, stagingDir, type RestorePlan } from './commands.js';
import { loadSource, type Source } from './source.js';
import type { EtcdRestoreVars } from './vars.js';

interface FileState {
  readonly exists: boolean;
}
interface UnitState {
  readonly active: string;
}

export interface RestoreSpec {
  readonly vars: EtcdRestoreVars;
  readonly me: Member;
  readonly all: readonly Member[];
  readonly cluster: string;
  readonly token: string;
  readonly stamp: string;
}

/** One check of the controller's file per run, however many members restore it. */
const loaded = new Map<string, Promise<Source>>();
const sourceOnce = (given: string, cluster: string) => {
  const key = `${cluster}\0${given}`;
  if (!loaded.has(key)) loaded.set(key, loadSource(given, cluster));
  return loaded.get(key)!;
};

export function etcdRestore(s: RestoreSpec): Resource<[UnitState, FileState]> {
  let src: Source | undefined;
  const plan = (): RestorePlan => {
    if (!src) throw new Error('the snapshot was not checked on the controller (apply without prepare)');
    const remote = `${s.vars.etcd_restore_remote_dir.replace(/\/$/, '')}/tsplay-etcd-restore-${src.snapshot.replace(/[^A-Za-z0-9._-]/g, '_')}`;
    const record = { restored_at: s.stamp, snapshot: src.path, sha256: src.sha256, revision: src.revision, taken_at: src.taken_at, taken_from: src.member };
    return { vars: s.vars, me: s.me, all: s.all, remote, sha256: src.sha256, token: s.token, stamp: s.stamp, record };
  };
  return defineResource<[UnitState, FileState]>({
    id: `etcd-restore:${s.me.name}`,
    reads: [],
    writes: [`unit:etcd.service`, `path:${s.vars.etcd_data_dir}`],
    queries: [q.unit('etcd.service'), q.file(s.vars.etcd_data_dir)],
    async prepare() {
      src = await sourceOnce(s.vars.etcd_restore_snapshot, s.cluster);
    },
    check([unit, data]): Change[] {
      const p = plan();
      return [
        { field: 'stop etcd', before: unit.active, after: 'stopped' },
        { field: 'old data dir', before: data.exists ? s.vars.etcd_data_dir : '(none)', after: data.exists ? `${asideDir(p)} (kept)` : '(nothing to keep)' },
        {
          field: 'restore',
          before: `${src!.path} (revision ${src!.revision ?? '?'}, taken ${src!.taken_at} from ${src!.member}, sha256 ${src!.sha256.slice(0, 12)}…)`,
          after: `${s.vars.etcd_data_dir} via ${stagingDir(p)}: member ${s.me.name} ${s.me.peerUrl}, cluster ${initialCluster(s.all)}, token ${s.token}`,
        },
        { field: 'record', after: recordPath(s.vars) },
        { field: 'start etcd', before: 'stopped', after: 'started with the other members' },
      ];
    },
    apply(): Action[] {
      const p = plan();
      return [
        { a: 'upload', from: src!.path, path: p.remote, sha256: src!.sha256, mode: 0o600 },
        { a: 'command', command: restoreScript(p) },
      ];
    },
  });
}
