/**
 * A control-plane operation's etcd membership changes, composed from the etcd member operation's roles
 * (roles/etcd-member: one member at a time, each behind the membership gate, quorum and even-count
 * refusals) and the etcd role: the hosts of the op's var that are in the etcd group become etcd_member,
 * and each role builds nothing when none is. Plays, in the op's order:
 *
 * - add: a read-only preflight (every member healthy, no stranger; before any host is touched), then per
 *   new member `member add` on a member of before the run and its first start, then the etcd role on
 *   every member (env files list the new members; one restart at a time behind the health gate);
 * - remove: the preflight (no step leaves fewer healthy members than a quorum), later `member remove`
 *   from a staying member, the leaving hosts' etcd stopped, disabled and wiped once the cluster no longer
 *   lists them, and the etcd role on the staying members with the cluster as it is without them.
 */
import type { Cluster, Gate, Host, Play, Role } from '../../lib/index.js';
import etcd from '../etcd/index.js';
import { preflightRole, removeRole, retireRole } from '../etcd-member/index.js';
import { addPlays } from '../etcd-member/plays.js';
import { etcdTargets } from './membership.js';
import { withVar } from './scope.js';
import { OPS, targetNames, targetsOf, withoutHost } from './target.js';

export type ControlPlaneOp = 'control-plane-add' | 'control-plane-remove';

type OpVars = Readonly<Record<string, string>>;

/**
 * `role` for op's etcd members: with etcd_member set to them (`member: true`, the etcd-member roles), or
 * (`member: false`, the etcd role after a removal) with the cluster as it is without the op's hosts,
 * which then build nothing themselves. Nothing is built anywhere when no host of the op is an etcd member.
 */
export function forMembers<V extends object>(role: Role<V>, op: ControlPlaneOp, o: { readonly member: boolean }): Role<V> {
  const key = OPS[op].var;
  const names = (v: V) => targetNames(op, String((v as unknown as OpVars)[key] ?? ''));
  const settleAfterRemove = !o.member && !OPS[op].adds;
  /** The vars and cluster the role builds with on `host`, or undefined where it builds nothing. */
  const on = (v: V, host: Host, cluster: Cluster): { v: V; cluster: Cluster } | undefined => {
    const all = names(v);
    const members = etcdTargets(all, cluster);
    if (!members.length) return undefined;
    if (o.member) return { v: { ...v, etcd_member: members.join(',') }, cluster };
    if (!settleAfterRemove) return { v, cluster };
    return all.includes(host.name) ? undefined : { v, cluster: withoutHost(cluster, all) };
  };
  const verify = role.verify?.map(
    (g): Gate<V> => ({
      ...g,
      check: async (ctx) => {
        const x = on(ctx.vars, ctx.host, ctx.cluster);
        return x ? g.check({ ...ctx, vars: x.v, cluster: x.cluster }) : undefined;
      },
    }),
  );
  return {
    ...role,
    defaults: { ...role.defaults, [key]: '' } as V,
    schema: withVar(role.schema, key),
    resources(v, host, cluster) {
      targetsOf(op, String((v as unknown as OpVars)[key] ?? ''), cluster);
      const x = on(v, host, cluster);
      return x ? role.resources(x.v, host, x.cluster) : [];
    },
    ...(role.handlers
      ? {
          handlers: (v: V, host: Host, cluster: Cluster) => {
            const x = on(v, host, cluster);
            return x ? role.handlers!(x.v, host, x.cluster) : {};
          },
        }
      : {}),
    ...(verify ? { verify } : {}),
  };
}

const play = (name: string, roles: Play['roles']): Play => ({ name, hosts: 'etcd', roles, anyErrorsFatal: true });

/** Read-only, first of all: may the membership change go ahead? */
export const membershipPreflight = (op: ControlPlaneOp): Play =>
  play('etcd membership: may it change? (read-only)', [forMembers(preflightRole(OPS[op].adds ? 'add' : 'remove'), op, { member: true })]);

/** The etcd member add rounds for the op's etcd hosts, then the etcd role on every member. */
export const addMembersPlays = (op: 'control-plane-add'): Play[] => [
  ...addPlays('add').map((p) => ({ ...p, roles: p.roles.map((r) => forMembers(r as Role<object>, op, { member: true })) })),
  play('etcd members configured as one cluster', [forMembers(etcd, op, { member: false })]),
];

/** member remove of the op's etcd hosts, their etcd stopped, disabled and wiped, then the etcd role on the staying members. */
export const removeMembersPlays = (op: 'control-plane-remove'): Play[] => [
  play('etcd member remove', [forMembers(removeRole('remove'), op, { member: true })]),
  play('etcd removed members: stop, disable, wipe', [forMembers(retireRole, op, { member: true })]),
  play('etcd staying members configured without them', [forMembers(etcd, op, { member: false })]),
];
