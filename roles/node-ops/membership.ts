/**
 * The etcd side of a control-plane operation: which of its hosts are etcd members (in the etcd group),
 * and the etcd member operation's own refusals for them (roles/etcd-member/names.ts: a removal that would
 * leave an even count or no member, an addition that names every member), asked while the run compiles,
 * before any host is touched, and said in the operation's terms. Pure.
 */
import { ConfigError, type Cluster } from '../../lib/index.js';
import { topology } from '../cluster/index.js';
import { addTargets, removeTargets } from '../etcd-member/names.js';
import { defaults as memberDefaults } from '../etcd-member/vars.js';

/** The hosts named that are in the etcd group, in the order named (their etcd_member list). */
export function etcdTargets(names: readonly string[], cluster: Cluster): string[] {
  const etcd = topology(cluster).hosts.etcd.map((h) => h.name);
  return names.filter((n) => etcd.includes(n));
}

/** Refuses, as a ConfigError on the op's var, what the etcd member operation would refuse for these hosts. */
export function checkMembership(o: { readonly adds: boolean; readonly key: string; readonly names: readonly string[]; readonly cluster: Cluster }): void {
  const members = etcdTargets(o.names, o.cluster);
  if (!members.length) return;
  // Only the names count here; the member URLs (ports) do not.
  const v = { ...memberDefaults, etcd_member: members.join(',') };
  try {
    if (o.adds) addTargets(v, o.cluster);
    else removeTargets(v, o.cluster);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const why = e.where && e.message.startsWith(`${e.where}: `) ? e.message.slice(e.where.length + 2) : e.message;
    const are = members.length > 1 ? 'are etcd members' : 'is an etcd member';
    throw new ConfigError(
      `${members.join(', ')} ${are}, so this run ${o.adds ? 'adds' : 'removes'} ${members.length > 1 ? 'them' : 'it'} as etcd member${members.length > 1 ? 's' : ''} too: ${why}`,
      `var ${o.key}`,
    );
  }
}
