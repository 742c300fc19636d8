/**
 * The hosts a node or control-plane operation works on, checked against the inventory before any host is
 * touched (the checks run while the run compiles): the operation's var names them (one worker; one or more
 * control-plane hosts, which may be etcd members: their membership changes too, roles/node-ops/etcd.ts),
 * each must be in the inventory and play the part the operation changes, and what it would break is
 * refused with why.
 *
 * The host stays in the inventory while it is added or removed: the run must reach it. After a removal,
 * take it out of the inventory; site.ts then changes nothing (the others' files already leave it out).
 */
import { ConfigError, type Cluster, type Host } from '../../lib/index.js';
import { topology } from '../cluster/index.js';
import { checkMembership } from './membership.js';

export const OPS = {
  'node-add': { var: 'node_add', adds: true, part: 'workers' },
  'node-remove': { var: 'node_remove', adds: false, part: 'workers' },
  'control-plane-add': { var: 'control_plane_add', adds: true, part: 'controlPlane' },
  'control-plane-remove': { var: 'control_plane_remove', adds: false, part: 'controlPlane' },
} as const;

export type Op = keyof typeof OPS;
export type OpVar = (typeof OPS)[Op]['var'];

/** The etcd member playbooks: a worker that is an etcd member changes membership there, never here. */
export const ETCD_MEMBER_PLAYBOOK = { add: 'playbooks/etcd-member-add.ts', remove: 'playbooks/etcd-member-remove.ts' } as const;

/** The control-plane operations change etcd membership too, for the hosts named that are in the etcd group (roles/node-ops/etcd.ts). */
export const changesMembership = (op: Op): boolean => OPS[op].part === 'controlPlane';

/** The host names in the op's var, in the order given: `lab-19` or `lab-19,lab-20` (control-plane ops take a list: etcd groups grow and shrink by two). */
export function targetNames(op: Op, value: string): string[] {
  const { var: key, adds } = OPS[op];
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!names.length) throw new ConfigError(`this playbook needs the host to ${adds ? 'add' : 'remove'}: -e ${key}=HOST`, `var ${key}`);
  if (names.length > 1 && !changesMembership(op))
    throw new ConfigError(`${names.length} hosts named (${names.join(', ')}): this playbook ${adds ? 'adds' : 'removes'} one worker per run`, `var ${key}`);
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length) throw new ConfigError(`${[...new Set(twice)].join(', ')} named twice`, `var ${key}`);
  return names;
}

/** The operation's target hosts (the var's list, checked host by host, then as a whole), or a ConfigError saying why the operation cannot run. Pure. */
export function targetsOf(op: Op, value: string, cluster: Cluster): Host[] {
  const names = targetNames(op, value);
  const hosts = names.map((n) => targetOf(op, n, cluster));
  const { var: key, adds, part } = OPS[op];
  const cp = topology(cluster).hosts.controlPlane;
  if (part === 'controlPlane' && !adds && cp.every((h) => names.includes(h.name)))
    throw new ConfigError(
      `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} every control-plane host: the cluster would have no API. Add another one first (playbooks/control-plane-add.ts)`,
      `var ${key}`,
    );
  if (changesMembership(op)) checkMembership({ adds, key, names, cluster });
  return hosts;
}

/** One host of the operation's var: in the inventory, in the part the operation changes, not something it cannot change. Pure. */
export function targetOf(op: Op, name: string, cluster: Cluster): Host {
  const { var: key, adds, part } = OPS[op];
  const where = `var ${key}`;
  const verb = adds ? 'add' : 'remove';
  if (name.trim() === '') throw new ConfigError(`this playbook needs the host to ${verb}: -e ${key}=HOST`, where);
  const host = cluster.hosts.find((h) => h.name === name);
  const t = topology(cluster);
  const names = (hs: readonly Host[]) => hs.map((h) => h.name).join(', ') || 'none';
  if (!host) {
    const why = adds
      ? `add it to the inventory (group "${t.groups[part] || part}") first`
      : `it is not in the cluster (or was taken out of the inventory already: the run must reach it, so put it back until the removal is done)`;
    throw new ConfigError(`host "${name}" is not in the inventory: ${why}. Hosts: ${names(cluster.hosts)}`, where);
  }
  const is = (p: 'etcd' | 'controlPlane' | 'workers' | 'lb' | 'nodes') => t.hosts[p].some((h) => h.name === name);
  if (!is(part)) {
    throw new ConfigError(
      `host "${name}" is not in group "${t.groups[part] || part}" (${part === 'workers' ? 'the workers' : 'the control-plane hosts'}: ${names(t.hosts[part])}): ${adds ? 'put it there first' : 'nothing to remove'}`,
      where,
    );
  }
  if (is('etcd') && !changesMembership(op)) {
    const pb = adds ? ETCD_MEMBER_PLAYBOOK.add : ETCD_MEMBER_PLAYBOOK.remove;
    throw new ConfigError(
      `host "${name}" is an etcd member (group "${t.groups.etcd}"): this playbook does not change etcd membership. ${adds ? `Take it out of the etcd group, run this one, then add the member with ${pb} -e etcd_member=${name}` : `Remove the member first with ${pb} -e etcd_member=${name}, take the host out of the etcd group, then run this one`}`,
      where,
    );
  }
  if (is('lb'))
    throw new ConfigError(
      `host "${name}" is also a load balancer (group "${t.groups.lb}"): this playbook ${verb}s only ${part === 'workers' ? 'a worker' : 'a control-plane host'}; change the lb group with playbooks/lb.ts`,
      where,
    );
  if (op === 'node-add' || op === 'node-remove') {
    if (is('controlPlane')) throw new ConfigError(`host "${name}" is a control-plane host: use playbooks/control-plane-${verb}.ts`, where);
    if (t.groups.nodes && !is('nodes'))
      throw new ConfigError(`host "${name}" is a worker but not in group "${t.groups.nodes}" (every kubelet host): add it there too`, where);
  } else {
    if (!adds && t.hosts.controlPlane.length === 1)
      throw new ConfigError(
        `host "${name}" is the last control-plane host: the cluster would have no API. Add another one first (playbooks/control-plane-add.ts)`,
        where,
      );
    if (t.groups.nodes && !is('nodes'))
      throw new ConfigError(`host "${name}" is a control-plane host but not in group "${t.groups.nodes}" (every kubelet host): add it there too`, where);
  }
  return host;
}

/** The cluster as it is after `names` have left: the same inventory without those hosts. */
export function withoutHost(cluster: Cluster, names: string | readonly string[]): Cluster {
  const gone = typeof names === 'string' ? [names] : names;
  const key = gone.join(',');
  let per = views.get(cluster);
  if (!per) views.set(cluster, (per = new Map()));
  let view = per.get(key);
  if (!view) {
    const keep = (h: Host) => !gone.includes(h.name);
    per.set(key, (view = { hosts: cluster.hosts.filter(keep), group: (g) => cluster.group(g).filter(keep), vars: cluster.vars }));
  }
  return view;
}

// One view per cluster and set of hosts, so what is computed once per cluster (the topology) stays computed once.
const views = new WeakMap<Cluster, Map<string, Cluster>>();
