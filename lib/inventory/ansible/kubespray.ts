/**
 * Kubespray's inventory layout, read as tsplay's: an Ansible inventory that names its groups as Kubespray
 * does (kube_control_plane, kube_node, k8s_cluster, etcd) gains tsplay's group names as aliases, each a
 * group whose one child is Kubespray's, so the shipped playbooks' plays select the same hosts:
 *
 *   tsplay group   Kubespray group (first one present)                  what runs there
 *   masters        kube_control_plane, kube-master, kube_master         apiserver, controller-manager, scheduler
 *   workers        kube_node, kube-node                                 workloads
 *   k8s            k8s_cluster, k8s-cluster; else kube_control_plane    every kubelet (containerd, kube-proxy, flannel)
 *                  and kube_node (newer Kubespray derives k8s_cluster in its playbooks)
 *   etcd           etcd (the same name)                                 etcd members
 *   lb             none: Kubespray has no load-balancer group           an empty group, so site.ts's "API load
 *                  balancer" play selects no host; clients use the first control-plane host, or `api_endpoint`
 *                  (an external load balancer, as Kubespray's loadbalancer_apiserver)
 *
 * The tsplay names are roles/cluster's GROUP_NAMES (lib/ cannot import roles/: test/inventory/kubespray.test.ts
 * holds the two equal). A group the inventory already has is left as it is. Kubespray's host vars: `ip` (the
 * address services bind) and `access_ip` (the one other hosts connect to) become the host's `cluster_address`
 * (roles/cluster/cluster-address.ts: what etcd, the apiserver, the kubelet and flannel bind and advertise),
 * while SSH stays on ansible_host; tsplay binds and advertises on one address, so the two must agree when
 * both are set. `etcd_member_name` is left out (tsplay names each member after its host). Pure: the model
 * in, aliases added; errors name file:line.
 */
import { ConfigError } from '../../core/errors.js';
import { normalizeIp } from '../../core/net.js';
import type { GroupEntry, InventorySpec } from '../../dsl/inventory.js';
import type { AnsibleInventory } from './model.js';

interface Alias {
  /** tsplay's group name (roles/cluster GROUP_NAMES). */
  readonly group: string;
  /** Kubespray's names for it, current first. */
  readonly from: readonly string[];
}

export const KUBESPRAY_ALIASES: readonly Alias[] = [
  { group: 'masters', from: ['kube_control_plane', 'kube-master', 'kube_master'] },
  { group: 'workers', from: ['kube_node', 'kube-node'] },
  { group: 'k8s', from: ['k8s_cluster', 'k8s-cluster'] },
];
/** tsplay's load-balancer group, which Kubespray does not have. */
export const LB_GROUP = 'lb';

/** Kubespray's host vars that name the cluster address, the one other hosts connect to first. */
const ADDRESS_VARS = ['access_ip', 'ip'] as const;
/** roles/cluster's CLUSTER_ADDRESS_VAR (lib/ cannot import roles/: test/inventory/kubespray.test.ts holds the two equal). */
export const CLUSTER_ADDRESS_VAR = 'cluster_address';
const DROPPED_VARS = ['etcd_member_name'] as const;

const controlPlaneOf = (has: (g: string) => boolean) => KUBESPRAY_ALIASES[0]!.from.find(has);

/** Whether the inventory is in Kubespray's layout: it has Kubespray's control-plane group. */
export const isKubesprayLayout = (inv: AnsibleInventory): boolean => controlPlaneOf((g) => inv.groups.has(g)) !== undefined;

/** Add tsplay's group names as aliases of Kubespray's and consume Kubespray's host vars (see above). */
export function addKubesprayAliases(inv: AnsibleInventory): void {
  if (!isKubesprayLayout(inv)) return;
  const has = (g: string) => inv.groups.has(g);
  const at = inv.groups.get(controlPlaneOf(has)!)!.at;
  const [masters, workers, k8s] = KUBESPRAY_ALIASES.map((a) => a.from.find(has));
  const children: Record<string, string[]> = {
    masters: [masters!],
    workers: workers ? [workers] : [],
    // Newer Kubespray samples leave k8s_cluster out: its playbooks make it of the control plane and nodes.
    k8s: k8s ? [k8s] : [masters!, ...(workers ? [workers] : [])],
  };
  for (const { group } of KUBESPRAY_ALIASES) {
    if (has(group) || children[group]!.length === 0) continue;
    inv.groups.set(group, { hosts: [], children: children[group]!, vars: {}, at });
  }
  if (!has(LB_GROUP)) inv.groups.set(LB_GROUP, { hosts: [], children: [], vars: {}, at });
  consumeHostVars(inv);
}

function consumeHostVars(inv: AnsibleInventory): void {
  for (const [name, h] of inv.hosts) {
    const given = ADDRESS_VARS.flatMap((k) => (h.vars[k] === undefined ? [] : [{ k, text: String(h.vars[k]) }]));
    for (const { k, text } of given)
      if (normalizeIp(text) === undefined)
        throw new ConfigError(`host ${name}: ${k}=${text} is not an IP address (Kubespray's ${k} is the IP the cluster uses for this host)`, h.at);
    const [first, second] = given;
    if (first && second && normalizeIp(first.text) !== normalizeIp(second.text))
      throw new ConfigError(
        `host ${name}: ${first.k}=${first.text} differs from ${second.k}=${second.text}: tsplay binds and advertises a host's cluster services on one address; give both the address the other hosts reach it at, or set only ${first.k}`,
        h.at,
      );
    if (first) {
      if (h.vars[CLUSTER_ADDRESS_VAR] !== undefined && normalizeIp(String(h.vars[CLUSTER_ADDRESS_VAR])) !== normalizeIp(first.text))
        throw new ConfigError(
          `host ${name}: ${first.k}=${first.text} and ${CLUSTER_ADDRESS_VAR}=${String(h.vars[CLUSTER_ADDRESS_VAR])} name two cluster addresses; keep one`,
          h.at,
        );
      h.vars[CLUSTER_ADDRESS_VAR] = first.text;
    }
    for (const k of [...ADDRESS_VARS, ...DROPPED_VARS]) delete h.vars[k];
  }
}

/** Lines saying how a spec's groups map Kubespray's (empty when it does not): for --list-hosts. Pure. */
export function kubesprayNotes(spec: InventorySpec): string[] {
  const groups = spec.groups ?? {};
  const has = (g: string) => g in groups;
  if (controlPlaneOf(has) === undefined) return [];
  const isAlias = (e: GroupEntry | undefined): e is GroupEntry =>
    e !== undefined && !e.hosts?.length && !e.vars && (e.children ?? []).length > 0 && (e.children ?? []).every(has);
  const lines = ["groups: Kubespray's layout, read with tsplay's group names (lib/inventory/ansible/kubespray.ts)"];
  for (const { group } of KUBESPRAY_ALIASES) {
    const e = groups[group];
    if (isAlias(e)) lines.push(`  ${group} = ${e.children!.join(' + ')}`);
    else if (e) lines.push(`  ${group}: the inventory's own group`);
  }
  lines.push('  etcd = etcd');
  const addressed = Object.entries(spec.hosts).flatMap(([name, e]) =>
    e.vars?.[CLUSTER_ADDRESS_VAR] === undefined ? [] : [`${name} ${String(e.vars[CLUSTER_ADDRESS_VAR])}`],
  );
  if (addressed.length)
    lines.push(`  ip/access_ip = ${CLUSTER_ADDRESS_VAR}, the address the cluster uses (SSH stays on ansible_host): ${addressed.join(', ')}`);
  const lb = groups[LB_GROUP];
  if (lb && !lb.hosts?.length && !lb.children?.length)
    lines.push(
      `  ${LB_GROUP}: none (Kubespray has no load-balancer group): no haproxy/keepalived; the API endpoint is the first control-plane host unless api_endpoint names an external load balancer`,
    );
  return lines;
}
