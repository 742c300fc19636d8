/**
 * The cluster as every Kubernetes role sees it: which hosts play which part, the API endpoint, the CIDRs.
 * Checked once per inventory, when the first role asks, which is while the run compiles: a bad cluster is
 * refused before any host is touched, with the field named.
 */
import { cidrContains, cidrsOverlap, ConfigError, formatIp, normalizeIp, parseCidr, type Cidr, type Cluster, type Host } from '../../lib/index.js';
import { checkClusterAddresses, clusterAddress } from './cluster-address.js';
import { clusterSettingsOf, type ClusterSettings } from './cluster-schema.js';
import { clusterGroups, type ClusterGroups, type Part } from './groups.js';
import { k8sPaths, type K8sPaths } from './config-dir.js';
import type { LbImplementation } from './lb-implementation.js';
import { overlayPorts, type PodNetworkVars } from './pod-network.js';
import { GLOBAL_CLUSTER_VARS, type ClusterVarName } from './shared-vars.js';

export interface Topology {
  readonly name: string;
  readonly domain: string;
  readonly groups: ClusterGroups;
  /** Hosts of each part, in inventory order ([] when the cluster has no such group). */
  readonly hosts: Readonly<Record<Part, readonly Host[]>>;
  /** The API's virtual IP on the lb hosts, when there are lb hosts. */
  readonly vip?: string;
  readonly apiserverPort: number;
  /** etcd's client and peer ports (etcd_client_port, etcd_peer_port). */
  readonly etcdClientPort: number;
  readonly etcdPeerPort: number;
  /** What clients and kubeconfigs use: https://VIP:port, or the first control-plane host. */
  readonly apiEndpoint: string;
  readonly serviceCidr: string;
  readonly podCidr: string;
  /** The cluster DNS service IP (default: the 10th address of the service range). */
  readonly clusterDns: string;
  /** flannel's backend and what it opens between nodes (port/proto). */
  readonly podNetwork: PodNetworkVars & { readonly ports: readonly string[] };
  /** Where certificates and kubeconfigs live on the hosts (k8s_config_dir). */
  readonly paths: K8sPaths;
  /** The API's load balancer on the lb hosts, as the inventory's global vars say (lb_implementation; `-e` may override it for a run). */
  readonly lbImplementation: LbImplementation;
  /** Every cluster var, parsed with its default (roles/cluster/cluster-schema.ts): what the PKI reads. */
  readonly settings: ClusterSettings;
}

const cache = new WeakMap<Cluster, Topology>();

/** The cluster's topology, validated (throws a ConfigError naming the var); computed once per inventory. */
export function topology(cluster: Cluster): Topology {
  let t = cache.get(cluster);
  if (!t) cache.set(cluster, (t = topologyOf(cluster, cluster.vars)));
  return t;
}

/** The hosts of a part, refusing an empty group: the role that needs them cannot do without. */
export function hostsOf(t: Topology, part: Part, role: string): readonly Host[] {
  const hosts = t.hosts[part];
  if (hosts.length === 0)
    throw new ConfigError(
      `the ${role} role needs ${part} hosts, but ${t.groups[part] ? `group "${t.groups[part]}" is empty` : 'no inventory group plays that part'}`,
      `vars.cluster_groups.${part}`,
    );
  return hosts;
}

/** The topology with `vars` in place of the inventory's global vars (not cached). */
export function topologyOf(cluster: Cluster, v: Readonly<Record<string, unknown>>): Topology {
  const groups = clusterGroups(cluster, v);
  const of = (part: Part) => (groups[part] ? cluster.group(groups[part]) : []);
  const hosts = { etcd: of('etcd'), controlPlane: of('controlPlane'), nodes: of('nodes'), workers: of('workers'), lb: of('lb') };
  const s = clusterSettingsOf(v);
  const { service_cidr: serviceCidr, pod_cidr: podCidr } = s;
  // Both are CIDRs by the schema.
  const svc = parseCidr(serviceCidr)!;
  const pod = parseCidr(podCidr)!;
  if (cidrsOverlap(svc, pod)) throw new ConfigError(`pod_cidr ${podCidr} overlaps service_cidr ${serviceCidr}`, 'vars.pod_cidr');
  checkClusterAddresses(cluster);
  for (const h of cluster.hosts) {
    const address = clusterAddress(h);
    for (const [range, text, field] of [
      [pod, podCidr, 'pod_cidr'],
      [svc, serviceCidr, 'service_cidr'],
    ] as const) {
      if (cidrContains(range, address))
        throw new ConfigError(`host ${h.name} (${address}) is inside ${field} ${text}: host, pod and service addresses must not overlap`, `vars.${field}`);
    }
  }
  const etcd = hosts.etcd.length;
  if (etcd % 2 === 0 && etcd > 0)
    throw new ConfigError(`etcd needs an odd number of members for a quorum, got ${etcd} (group "${groups.etcd}")`, 'vars.cluster_groups.etcd');
  const vip = vipOf(v, hosts.lb, s.vip_prefix);
  const first = hosts.controlPlane[0];
  const target = vip ?? (first ? clusterAddress(first) : '127.0.0.1');
  const clusterDns = s.cluster_dns ?? nth(svc, 10);
  if (!cidrContains(svc, clusterDns)) throw new ConfigError(`cluster_dns ${clusterDns} is outside service_cidr ${serviceCidr}`, 'vars.cluster_dns');
  const net: PodNetworkVars = {
    flannel_backend: s.flannel_backend,
    flannel_vxlan_port: s.flannel_vxlan_port,
    flannel_subnet_manager: s.flannel_subnet_manager,
    flannel_etcd_prefix: s.flannel_etcd_prefix,
  };
  refuseLocalClusterVars(cluster, v, { ...s, cluster_dns: clusterDns });
  return {
    name: s.cluster_name,
    domain: s.cluster_domain,
    groups,
    hosts,
    apiserverPort: s.apiserver_port,
    etcdClientPort: s.etcd_client_port,
    etcdPeerPort: s.etcd_peer_port,
    serviceCidr,
    podCidr,
    clusterDns,
    podNetwork: { ...net, ports: overlayPorts(net) },
    paths: k8sPaths(s.k8s_config_dir),
    lbImplementation: s.lb_implementation,
    settings: s,
    ...(vip ? { vip } : {}),
    apiEndpoint: s.api_endpoint ?? `https://${target.includes(':') ? `[${target}]` : target}:${s.apiserver_port}`,
  };
}

/** The VIP (global `vip` or the lb group's), which must lie in every lb host's subnet (`vip_prefix`, default 24). */
/**
 * A cluster-wide var read once from the global vars (or its default: `effective`), but set otherwise by a
 * group or host: that value would be ignored, or worse, read by a role and not by the topology.
 */
function refuseLocalClusterVars(cluster: Cluster, v: Readonly<Record<string, unknown>>, effective: Readonly<Partial<Record<ClusterVarName, unknown>>>): void {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const h of cluster.hosts) {
    // Against the inventory's own global value (a caller's `v` may override it), else what applies unset.
    const global = (key: ClusterVarName) => (key in cluster.vars ? cluster.vars[key] : key in effective ? effective[key] : v[key]);
    const k = GLOBAL_CLUSTER_VARS.find((key) => key in h.vars && !same(h.vars[key], global(key)));
    if (k)
      throw new ConfigError(
        `${k} is cluster-wide and read once, from the inventory's global vars: host ${h.name} gets ${JSON.stringify(h.vars[k])} from its group or host vars, which would be ignored; set it in the global vars`,
        `vars.${k}`,
      );
  }
}

function vipOf(v: Readonly<Record<string, unknown>>, lb: readonly Host[], prefix: number): string | undefined {
  const key: ClusterVarName = 'vip';
  const raw = v[key] ?? lb.map((h) => h.vars[key]).find((x) => x !== undefined);
  if (raw === undefined) return undefined;
  const vip = typeof raw === 'string' ? normalizeIp(raw) : undefined;
  if (!vip) throw new ConfigError(`expected an IP address, got ${JSON.stringify(raw)}`, 'vars.vip');
  for (const h of lb) {
    const address = clusterAddress(h);
    const net = parseCidr(`${address}/${prefix}`);
    if (!net || !cidrContains(net, vip))
      throw new ConfigError(`VIP ${vip} is outside the subnet of lb host ${h.name} (${address}/${prefix}): keepalived could not hold it there`, 'vars.vip');
    if (normalizeIp(address) === vip) throw new ConfigError(`VIP ${vip} is the address of lb host ${h.name}; it must be a free address`, 'vars.vip');
  }
  return vip;
}

/** The n-th address after the network address of a range. */
function nth(c: Cidr, n: number): string {
  const bytes = Uint8Array.from(c.network);
  for (let bit = c.prefix; bit < bytes.length * 8; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
  let carry = n;
  for (let i = bytes.length - 1; i >= 0 && carry > 0; i--) {
    const sum = bytes[i]! + carry;
    bytes[i] = sum & 0xff;
    carry = sum >> 8;
  }
  return formatIp(bytes);
}
