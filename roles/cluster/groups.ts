/**
 * Which inventory group plays which part of the cluster. `cluster_groups` in the inventory vars names
 * them; otherwise the first conventional name present wins (the names people actually use).
 */
import { ConfigError, type Cluster } from '../../lib/index.js';
import type { ClusterVarName } from './shared-vars.js';

export const PARTS = ['etcd', 'controlPlane', 'nodes', 'workers', 'lb'] as const;
export type Part = (typeof PARTS)[number];
export type ClusterGroups = Readonly<Record<Part, string>>;

/**
 * The group names the shipped playbooks select (playbooks/site.ts) and inventory/prod.ts defines: the
 * conventional name of each part. (A play's host pattern is a fixed string; an inventory that names its
 * groups otherwise maps them with cluster_groups for the roles, and needs these names for the plays.)
 */
export const GROUP_NAMES = { etcd: 'etcd', controlPlane: 'masters', nodes: 'k8s', workers: 'workers', lb: 'lb' } as const satisfies ClusterGroups;

const CANDIDATES: Record<Part, readonly string[]> = {
  etcd: ['etcd'],
  controlPlane: ['control-plane', 'control_plane', 'masters', 'master'],
  // Every host that runs a kubelet (control plane included) when the inventory has such a group.
  nodes: ['nodes', 'k8s', 'kube_node', 'workers'],
  workers: ['workers', 'worker', 'kube_node'],
  lb: ['lb', 'loadbalancers'],
};

/** The group of each part; '' when the inventory has none (single-host clusters have no lb). */
export function clusterGroups(cluster: Cluster, vars: Readonly<Record<string, unknown>> = cluster.vars): ClusterGroups {
  const exists = (g: string) => cluster.hosts.some((h) => h.groups.includes(g));
  const key: ClusterVarName = 'cluster_groups';
  const override = vars[key] ?? {};
  if (typeof override !== 'object' || override === null || Array.isArray(override))
    throw new ConfigError('expected an object of part: group name', 'vars.cluster_groups');
  for (const k of Object.keys(override))
    if (!(PARTS as readonly string[]).includes(k)) throw new ConfigError(`unknown part "${k}" (expected one of ${PARTS.join(', ')})`, 'vars.cluster_groups');
  const pick = (part: Part): string => {
    const named = (override as Partial<Record<Part, unknown>>)[part];
    if (named === undefined) return CANDIDATES[part].find(exists) ?? '';
    if (typeof named !== 'string' || (named !== '' && !exists(named)))
      throw new ConfigError(`no group "${String(named)}" in the inventory`, `vars.cluster_groups.${part}`);
    return named;
  };
  return Object.fromEntries(PARTS.map((p) => [p, pick(p)])) as ClusterGroups;
}
