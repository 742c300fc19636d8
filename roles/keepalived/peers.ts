/**
 * The lb hosts as VRRP peers: each one's priority (its inventory keepalived_priority, default 100),
 * which one starts as MASTER (the highest), and the unicast peers of a host (every other lb host:
 * multicast does not cross every bridge or cloud network). Refuses what VRRP cannot sort out.
 */
import { ConfigError, type Cluster, type Host } from '../../lib/index.js';
import { hostsOf, topology } from '../cluster/index.js';
import { defaults, priority as prioritySchema, type KeepalivedVars } from './vars.js';
import { clusterAddress } from '../cluster/cluster-address.js';

export interface Peer {
  readonly name: string;
  readonly address: string;
  readonly priority: number;
}

/** A host's priority from its inventory vars (flat or under `keepalived`), as the runner would merge it. */
function inventoryPriority(h: Host): unknown {
  const scoped = h.vars['keepalived'];
  const fromScope = scoped && typeof scoped === 'object' ? (scoped as Record<string, unknown>)['keepalived_priority'] : undefined;
  return fromScope ?? h.vars['keepalived_priority'] ?? defaults.keepalived_priority;
}

/** Every lb host with its priority; this host's comes from its merged vars (overrides included). */
export function peers(v: KeepalivedVars, host: Host, cluster: Cluster): Peer[] {
  const lb = hostsOf(topology(cluster), 'lb', 'keepalived');
  if (!lb.some((h) => h.name === host.name))
    throw new ConfigError(`host ${host.name} is not an lb host; run the keepalived role on the lb group only`, `role keepalived on ${host.name}`);
  const all = lb.map((h) => {
    const raw = h.name === host.name ? v.keepalived_priority : inventoryPriority(h);
    const ok = prioritySchema.safeParse(raw);
    if (!ok.success) throw new ConfigError(`var keepalived_priority: ${ok.error.issues[0]!.message}, got ${JSON.stringify(raw)}`, `hosts.${h.name}`);
    return { name: h.name, address: clusterAddress(h), priority: ok.data };
  });
  for (const p of all) {
    const twin = all.find((o) => o !== p && o.priority === p.priority);
    if (twin)
      throw new ConfigError(
        `var keepalived_priority: ${p.name} and ${twin.name} both have ${p.priority}; give each lb host its own (the highest holds the VIP)`,
        `hosts.${twin.name}`,
      );
  }
  return all;
}

/** The lb host that holds the VIP while every lb host is healthy. */
export const master = (all: readonly Peer[]): Peer => all.reduce((a, b) => (b.priority > a.priority ? b : a));
