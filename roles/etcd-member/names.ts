/**
 * Which hosts a run adds, removes or replaces, from etcd_member / etcd_replaced and the inventory's etcd
 * group, checked before any host is touched: unknown names, duplicates, a host that is not where the
 * operation needs it, and a removal that would leave an even (or no) etcd group are refused, saying why. Pure.
 */
import { ConfigError, type Cluster } from '../../lib/index.js';
import { members, type Member } from '../etcd/members.js';
import type { EtcdMemberVars } from './vars.js';

const VAR = 'etcd_member';

/** The names in etcd_member, in order; refuses none and duplicates. */
export function namedMembers(v: EtcdMemberVars): string[] {
  const list = v.etcd_member
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!list.length) throw new ConfigError('no member named: run with -e etcd_member=HOST[,HOST...] (hosts of the etcd group)', VAR);
  const twice = list.filter((n, i) => list.indexOf(n) !== i);
  if (twice.length) throw new ConfigError(`${twice.join(', ')} named twice`, VAR);
  return list;
}

const listed = (all: readonly Member[]) => all.map((m) => m.name).join(', ');

/** Each name must be a host of the etcd group. */
function inGroup(names: readonly string[], all: readonly Member[], what: string): Member[] {
  return names.map((n) => {
    const m = all.find((x) => x.name === n);
    if (!m) throw new ConfigError(`${n} is not in the etcd group (${listed(all)}): ${what}`, VAR);
    return m;
  });
}

export interface AddTargets {
  /** The members before the run (the group minus the added), in inventory order. */
  readonly base: readonly Member[];
  /** The hosts to add, one at a time, in the order named. */
  readonly adding: readonly Member[];
}

export function addTargets(v: EtcdMemberVars, cluster: Cluster): AddTargets {
  const all = members(v, cluster);
  const adding = inGroup(namedMembers(v), all, "add it to the inventory's etcd group first, then run the add");
  const base = all.filter((m) => !adding.includes(m));
  if (!base.length)
    throw new ConfigError(`every host of the etcd group is named: a member is added to a running cluster; bootstrap it with playbooks/etcd.ts`, VAR);
  return { base, adding };
}

export interface RemoveTargets {
  /** The members that stay, in inventory order (one of them runs `member remove`). */
  readonly staying: readonly Member[];
  readonly removing: readonly Member[];
}

export function removeTargets(v: EtcdMemberVars, cluster: Cluster): RemoveTargets {
  const all = members(v, cluster);
  const removing = inGroup(
    namedMembers(v),
    all,
    'only a member of the etcd group can be removed (a dead member that is no longer in it: etcd-member-replace.ts)',
  );
  const staying = all.filter((m) => !removing.includes(m));
  if (!staying.length) throw new ConfigError(`removing ${listed(removing)} would leave no member: refusing (the cluster and its data would be gone)`, VAR);
  if (staying.length % 2 === 0) {
    throw new ConfigError(
      `removing ${listed(removing)} would leave ${staying.length} members (${listed(staying)}): an even count tolerates no more failures than ${staying.length - 1} members would, and is refused; remove one more or one fewer`,
      VAR,
    );
  }
  return { staying, removing };
}

export interface ReplaceTargets extends AddTargets {
  /** The dead member's name in the cluster's member list. */
  readonly replaced: string;
}

export function replaceTargets(v: EtcdMemberVars, cluster: Cluster): ReplaceTargets {
  const t = addTargets(v, cluster);
  const replaced = v.etcd_replaced;
  if (!replaced)
    throw new ConfigError(
      'no member to replace: run with -e etcd_replaced=NAME (the dead member, taken out of the etcd group) -e etcd_member=HOST (the new one, put in)',
      'etcd_replaced',
    );
  if (members(v, cluster).some((m) => m.name === replaced)) {
    throw new ConfigError(
      `${replaced} is still in the etcd group: put the new host in its place in the inventory first (etcd-member-remove.ts removes a member that stays in the inventory until it is gone)`,
      'etcd_replaced',
    );
  }
  return { ...t, replaced };
}
