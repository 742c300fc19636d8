/**
 * A removed member's host, once the cluster no longer lists it: etcd stopped and disabled, its data dir
 * wiped. The guard first asks the staying members (over the network, with this host's health-check
 * client certificate) and refuses to touch anything while the cluster still lists this host, or when it
 * cannot tell (in check mode, where the removal has not run, it says so instead).
 */
import { absent, defineResource, q, service, type AnyResource, type Resource } from '../../lib/index.js';
import type { Member } from '../etcd/members.js';
import { remoteMemberListCommand } from './commands.js';
import { find, parseMemberList } from './plan.js';
import type { EtcdMemberVars } from './vars.js';

interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
}

export function removedGuard(v: EtcdMemberVars, me: Member, staying: readonly Member[]): Resource<[CommandResult]> {
  let check = false;
  return defineResource<[CommandResult]>({
    id: `etcd-member-removed:${me.name}`,
    prepare(ctx) {
      check = ctx.mode === 'check';
      return Promise.resolve();
    },
    reads: [],
    writes: [],
    queries: [q.command(remoteMemberListCommand(v, staying))],
    check([r]) {
      if (r.exitCode !== 0)
        throw new Error(
          `cannot ask the staying members (${staying.map((m) => m.clientUrl).join(', ')}) whether ${me.name} was removed (exit ${r.exitCode}): refusing to stop and wipe it`,
        );
      const c = find(parseMemberList(r.stdout), me);
      // Check mode: the member remove of the play before has not run; say what happens once it has.
      if (c && check)
        return [{ field: 'member', before: `${c.id} of the cluster`, after: 'removed by the play before; then etcd stopped, disabled, its data wiped' }];
      if (c) throw new Error(`${me.name} is still member ${c.id} of the cluster (member remove did not happen): refusing to stop and wipe it`);
      return [];
    },
    apply: () => [],
  });
}

export const retire = (v: EtcdMemberVars, me: Member, staying: readonly Member[]): AnyResource[] => [
  removedGuard(v, me, staying),
  service({ name: 'etcd', enabled: false, state: 'stopped' }),
  absent({ path: v.etcd_data_dir }),
];
