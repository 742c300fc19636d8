/**
 * The host a node or control-plane operation works on, checked against the inventory before any host is
 * touched (the checks run while the run compiles): the operation's var names it, the host must be in the
 * inventory and play the part the operation changes, and what it would break is refused with why.
 *
 * The host stays in the inventory while it is added or removed: the run must reach it. After a removal,
 * take it out of the inventory; site.ts then changes nothing (the others' files already leave it out).
 */
import { ConfigError, type Cluster, type Host } from '../../lib/index.js';
import { topology } from '../cluster/index.js';

export const OPS = {
  'node-add': { var: 'node_add', adds: true, part: 'workers' },
  'node-remove': { var: 'node_remove', adds: false, part: 'workers' },
  'control-plane-add': { var: 'control_plane_add', adds: true, part: 'controlPlane' },
  'control-plane-remove': { var: 'control_plane_remove', adds: false, part: 'controlPlane' },
} as const;

export type Op = keyof typeof OPS;
export type OpVar = (typeof OPS)[Op]['var'];

/** The etcd member playbooks (helper "etcdm", issue #12): membership is changed there, never here. */
export const ETCD_MEMBER_PLAYBOOK = { add: 'playbooks/etcd-member-add.ts', remove: 'playbooks/etcd-member-remove.ts' } as const;

/** The operation's target host, or a ConfigError saying why the operation cannot run. Pure. */
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
  if (is('etcd')) {
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

/** The cluster as it is after `name` has left: the same inventory without that host. */
export function withoutHost(cluster: Cluster, name: string): Cluster {
  let per = views.get(cluster);
  if (!per) views.set(cluster, (per = new Map()));
  let view = per.get(name);
  if (!view) {
    const keep = (h: Host) => h.name !== name;
    per.set(name, (view = { hosts: cluster.hosts.filter(keep), group: (g) => cluster.group(g).filter(keep), vars: cluster.vars }));
  }
  return view;
}

// One view per cluster and host, so what is computed once per cluster (the topology) stays computed once.
const views = new WeakMap<Cluster, Map<string, Cluster>>();
