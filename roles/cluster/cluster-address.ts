/**
 * A host's cluster address: what its cluster services bind and advertise and what the other members dial
 * (etcd peer and client URLs, the apiserver's --advertise-address and certificate SANs, the load balancers'
 * backends, keepalived peers, /etc/hosts, firewalld sources, the kubelet's --node-ip and its certificate,
 * flannel's --public-ip, host-gw routes, the etcd and upgrade gates). The host var `cluster_address` (an IP,
 * Kubespray's `ip`/`access_ip`), else the address tsplay reaches the host at over SSH (Host.address), which
 * stays the connection's. The one place roles read Host.address for the cluster:
 * test/roles/cluster-address.test.ts refuses any other.
 */
import { ConfigError, normalizeIp, type Cluster, type Host } from '../../lib/index.js';

/** The host var's name (a ClusterVars key, scope 'host': roles/cluster/shared-vars.ts). */
export const CLUSTER_ADDRESS_VAR = 'cluster_address';

/** The host's cluster_address, parsed: undefined when unset; a non-IP value is a ConfigError naming the host (and the file). */
function explicitAddress(h: Host, file?: string): string | undefined {
  const raw = h.vars[CLUSTER_ADDRESS_VAR];
  if (raw === undefined) return undefined;
  const ip = typeof raw === 'string' ? normalizeIp(raw.trim()) : undefined;
  if (ip) return ip;
  throw new ConfigError(
    `host ${h.name}: ${CLUSTER_ADDRESS_VAR} ${JSON.stringify(raw)} is not an IP address: expected an IPv4 or IPv6 address such as 10.0.0.11 (the address its cluster services bind and advertise; unset, the SSH address ${h.address} is used)`,
    `${file ?? 'the inventory'}: hosts.${h.name}.vars.${CLUSTER_ADDRESS_VAR}`,
  );
}

/** The address the host's cluster services bind, advertise and are dialled at (see above). */
export const clusterAddress = (h: Host): string => explicitAddress(h) ?? h.address;

/** The cluster address when it is not the SSH address: likely on another interface than the default route's. */
export function ownClusterAddress(h: Host): string | undefined {
  const ip = explicitAddress(h);
  return ip !== undefined && ip !== normalizeIp(h.address) ? ip : undefined;
}

/**
 * Every host's cluster_address checked at once (the topology calls it, while the run compiles): an IP each,
 * and no two hosts with the same one (a group or global value would give all its hosts one address).
 */
export function checkClusterAddresses(cluster: Cluster): void {
  const owner = new Map<string, string>();
  for (const h of cluster.hosts) {
    const ip = explicitAddress(h, cluster.file);
    if (ip === undefined) continue;
    const other = owner.get(ip);
    if (other !== undefined)
      throw new ConfigError(
        `hosts ${other} and ${h.name} both have ${CLUSTER_ADDRESS_VAR} ${ip}: each host needs its own (set it in each host's vars, not on a group or globally)`,
        `${cluster.file ?? 'the inventory'}: hosts.${h.name}.vars.${CLUSTER_ADDRESS_VAR}`,
      );
    owner.set(ip, h.name);
  }
}
