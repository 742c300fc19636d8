/**
 * etcd-member: change the members of a running etcd cluster, one at a time, each change behind a
 * membership gate (playbooks/etcd-member-{add,remove,replace}.ts, built by plays.ts).
 *
 * - add (per new member, in the order named): `member add` on the first member that was in the cluster
 *   before the run, once every member is healthy (addRole); then, on the new host, etcd installed, its
 *   certificates pushed, and its first start with initial-cluster-state `existing` and the initial
 *   cluster as `member add` left it (joinRole); gate: the cluster reports exactly those members healthy;
 * - remove: `member remove` on the first healthy staying member, dead members first, refused if any
 *   step would leave fewer healthy members than a quorum (removeRole); then on each removed host, once
 *   the cluster no longer lists it, etcd stopped and disabled and its data dir wiped (retireRole);
 * - replace: the dead member removed, then the new host added.
 *
 * Refused before any host is touched (names.ts): a name outside the etcd group, a removal that leaves an
 * even or empty group, a replaced member still in the group. Check mode says which member runs which
 * command with which URLs. Vars: the etcd role's, plus etcd_member and etcd_replaced (vars.ts).
 */
import { ConfigError, defineRole, type AnyResource, type Cluster, type Host, type Role } from '../../lib/index.js';
import { CLUSTER_VARS } from '../cluster/shared-vars.js';
import { pkiFiles } from '../pki/push.js';
import { install } from '../etcd/install.js';
import { clusterToken, members, type Member } from '../etcd/members.js';
import { memberAdd } from './add.js';
import { membershipGate } from './gate.js';
import { memberJoin } from './join.js';
import { addTargets, removeTargets, replaceTargets, type AddTargets } from './names.js';
import { joinCluster } from './plan.js';
import { addPreflight, removePreflight } from './preflight.js';
import { memberRemove } from './remove.js';
import { retire } from './retire.js';
import { defaults, schema, type EtcdMemberVars } from './vars.js';

export { defaults, schema, type EtcdMemberVars } from './vars.js';

/** Members one run adds at most (etcd runs up to 7; each addition is a round of two plays). */
export const MAX_ADDS = 6;

export type Operation = 'add' | 'replace';

const targetsFor = (op: Operation, v: EtcdMemberVars, cluster: Cluster): AddTargets & { readonly removedEarlier: readonly string[] } => {
  if (op === 'add') return { ...addTargets(v, cluster), removedEarlier: [] };
  const t = replaceTargets(v, cluster);
  return { ...t, removedEarlier: [t.replaced] };
};

function roundOf(op: Operation, round: number, v: EtcdMemberVars, cluster: Cluster) {
  const t = targetsFor(op, v, cluster);
  if (t.adding.length > MAX_ADDS) throw new ConfigError(`${t.adding.length} members named, at most ${MAX_ADDS} are added in one run`, 'etcd_member');
  const target = t.adding[round];
  return { ...t, target, earlier: t.adding.slice(0, round), group: members(v, cluster) };
}

const common = { defaults, sharedVars: CLUSTER_VARS, schema } as const;

/** Round `round`: `member add` of the round's host, on the first member from before the run. */
export function addRole(op: Operation, round: number): Role<EtcdMemberVars> {
  return defineRole<EtcdMemberVars>({
    ...common,
    name: 'etcd-member-add',
    resources(v: EtcdMemberVars, host: Host, cluster: Cluster): AnyResource[] {
      const r = roundOf(op, round, v, cluster);
      const me = r.base.find((m) => m.name === host.name);
      if (!r.target || !me) return [];
      return [memberAdd({ vars: v, me, group: r.group, base: r.base, earlier: r.earlier, target: r.target, removedEarlier: r.removedEarlier })];
    },
  });
}

/** Round `round`: the round's host installs etcd, gets its certificates and starts as a joining member. */
export function joinRole(op: Operation, round: number): Role<EtcdMemberVars> {
  const joining = (v: EtcdMemberVars, host: Host, cluster: Cluster): { r: ReturnType<typeof roundOf>; me: Member } | undefined => {
    const r = roundOf(op, round, v, cluster);
    return r.target && r.target.name === host.name ? { r, me: r.target } : undefined;
  };
  return defineRole<EtcdMemberVars>({
    ...common,
    name: 'etcd-member-join',
    resources(v, host, cluster): AnyResource[] {
      const j = joining(v, host, cluster);
      if (!j) return [];
      return [
        ...install(v),
        // The join resource starts etcd after these; the etcd role's restart handler is not this role's.
        ...pkiFiles(cluster, host, { roles: ['etcd'], notify: () => undefined }),
        memberJoin({ vars: v, me: j.me, cluster: joinCluster(j.r.group, j.r.base, j.r.earlier, j.me), token: clusterToken(v, cluster), from: j.r.base[0]! }),
      ];
    },
    verify: [
      membershipGate('etcd members after the join', (v, host, cluster) => {
        const j = joining(v, host, cluster);
        return j && joinCluster(j.r.group, j.r.base, j.r.earlier, j.me);
      }),
    ],
  });
}

function removal(op: 'remove' | 'replace', v: EtcdMemberVars, cluster: Cluster) {
  if (op === 'remove') return removeTargets(v, cluster);
  const t = replaceTargets(v, cluster);
  return { staying: t.base, removing: [{ name: t.replaced }] };
}

/** `member remove` of the named members (remove) or of the dead one (replace), on the first healthy staying member. */
export function removeRole(op: 'remove' | 'replace'): Role<EtcdMemberVars> {
  const staying = (v: EtcdMemberVars, host: Host, cluster: Cluster) => {
    const t = removal(op, v, cluster);
    const me = t.staying.find((m) => m.name === host.name);
    return me ? { t, me } : undefined;
  };
  return defineRole<EtcdMemberVars>({
    ...common,
    name: 'etcd-member-remove',
    resources(v, host, cluster): AnyResource[] {
      const s = staying(v, host, cluster);
      return s ? [memberRemove({ vars: v, me: s.me, staying: s.t.staying, removing: s.t.removing })] : [];
    },
    verify: [membershipGate('etcd members after the removal', (v, host, cluster) => staying(v, host, cluster)?.t.staying)],
  });
}

/** On each removed host, once the cluster no longer lists it: etcd stopped and disabled, data wiped. */
export const retireRole: Role<EtcdMemberVars> = defineRole<EtcdMemberVars>({
  ...common,
  name: 'etcd-member-retire',
  resources(v, host, cluster): AnyResource[] {
    const t = removeTargets(v, cluster);
    const me = t.removing.find((m) => m.name === host.name);
    return me ? retire(v, me, t.staying) : [];
  },
});

/**
 * Read-only, before an operation touches any host: the add judged from the first member of before the
 * run, or the removal from every staying member (as removeRole runs it), refused as the change would be.
 */
export function preflightRole(op: 'add' | 'remove'): Role<EtcdMemberVars> {
  return defineRole<EtcdMemberVars>({
    ...common,
    name: 'etcd-member-preflight',
    resources(v, host, cluster): AnyResource[] {
      if (op === 'add') {
        const t = addTargets(v, cluster);
        const me = t.base[0];
        return me && me.name === host.name ? [addPreflight({ vars: v, me, group: members(v, cluster), base: t.base, adding: t.adding })] : [];
      }
      const t = removeTargets(v, cluster);
      const me = t.staying.find((m) => m.name === host.name);
      return me ? [removePreflight({ vars: v, me, staying: t.staying, removing: t.removing })] : [];
    },
  });
}
