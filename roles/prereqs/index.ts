/**
 * prereqs: what every cluster host needs before etcd, the container runtime and the kubelet.
 *
 * - IPv4 AND IPv6 forwarding plus the bridge netfilter sysctls, now and persisted in /etc/sysctl.d
 *   (one file per key: resources never share a file, see the sysctl resource);
 * - br_netfilter and overlay loaded and listed in /etc/modules-load.d (modules first: net.bridge.* only
 *   exist once br_netfilter is loaded, and systemd-sysctl runs after systemd-modules-load at boot);
 * - swap off: `swapoff -a` only when /proc/swaps lists a swap, the fstab swap lines commented out and
 *   swap.target masked (a zram or unit-defined swap comes back at boot otherwise; swap.ts);
 * - SELinux permissive now and in /etc/selinux/config where it is enforcing (RHEL family; selinux.ts);
 * - /etc/hosts: a managed block with every inventory host that has an IP address, plus extra entries;
 * - conntrack, socat and ipset (kube-proxy, port-forward), named per OS family.
 *
 * Vars: see vars.ts (all prefixed `prereqs_`, so flat inventory vars of other roles never leak in).
 */
import { defineRole, kernelModule, pkg, sysctl, type AnyResource, type Cluster, type Host } from '../../lib/index.js';
import { etcHosts } from './etc-hosts.js';
import { selinuxPermissive } from './selinux.js';
import { swapOff } from './swap.js';
import { defaults, isIpAddress, schema, type HostsEntry, type PrereqsVars } from './vars.js';
import { clusterAddress } from '../cluster/cluster-address.js';

export { defaults, schema, type PrereqsVars } from './vars.js';

/** The /etc/hosts block: cluster hosts in inventory order, then the extra entries. */
export function hostsEntries(v: PrereqsVars, cluster: Cluster): HostsEntry[] {
  const fqdn = (name: string) => (v.prereqs_hosts_domain ? [`${name}.${v.prereqs_hosts_domain}`] : []);
  const hosts = cluster.hosts
    .map((h) => ({ h, address: clusterAddress(h) }))
    .filter((e) => isIpAddress(e.address))
    .map(({ h, address }) => ({ address, names: [...fqdn(h.name), h.name] }));
  return [...hosts, ...v.prereqs_extra_hosts];
}

function resources(v: PrereqsVars, _host: Host, cluster: Cluster): AnyResource[] {
  const { debian, redhat } = v.prereqs_packages;
  return [
    ...(debian.length + redhat.length ? [pkg({ names: v.prereqs_packages })] : []),
    ...v.prereqs_kernel_modules.map((name) => kernelModule({ name })),
    ...Object.entries(v.prereqs_sysctls).map(([key, value]) => sysctl({ key, value })),
    ...(v.prereqs_swap_off ? swapOff() : []),
    ...(v.prereqs_selinux === 'permissive' ? [selinuxPermissive()] : []),
    ...(v.prereqs_etc_hosts ? [etcHosts(hostsEntries(v, cluster))] : []),
  ];
}

export default defineRole<PrereqsVars>({
  name: 'prereqs',
  defaults,
  schema,
  resources,
});
