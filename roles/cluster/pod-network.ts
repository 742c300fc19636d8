/**
 * flannel's backend, declared once: flannel writes it into net-conf.json on every node, and the firewall
 * opens what it needs between nodes (topology().podNetwork). Cluster-wide (global vars): nodes on different
 * backends cannot reach each other's pods. host-gw routes pod subnets via the nodes' own addresses, so it
 * needs every node on one L2 segment (the flannel role checks the routes) and opens no port.
 */
import { z } from 'zod';
import { oneOf, port } from '../../lib/index.js';

export const BACKENDS = ['vxlan', 'host-gw', 'wireguard'] as const;
export type Backend = (typeof BACKENDS)[number];

/** flannel's WireGuard backend listens here by default (its ListenPort). */
export const WIREGUARD_PORT = 51820;

export const SUBNET_MANAGERS = ['kube', 'etcd'] as const;
export type SubnetManager = (typeof SUBNET_MANAGERS)[number];

export interface PodNetworkVars {
  readonly flannel_backend: Backend;
  readonly flannel_vxlan_port: number;
  /** Where flanneld keeps its config and subnet leases: the Kubernetes API (node podCIDRs) or etcd. */
  readonly flannel_subnet_manager: SubnetManager;
  readonly flannel_etcd_prefix: string;
}
export const podNetworkDefaults: PodNetworkVars = {
  flannel_backend: 'vxlan',
  flannel_vxlan_port: 8472,
  flannel_subnet_manager: 'kube',
  flannel_etcd_prefix: '/coreos.com/network',
};
const etcdPrefix = z.string().regex(/^(\/[A-Za-z0-9._-]+)+$/, 'expected an etcd key prefix such as /coreos.com/network');

export const podNetworkShape = {
  flannel_backend: oneOf(BACKENDS)
    .default(podNetworkDefaults.flannel_backend)
    .describe(
      `vxlan (UDP flannel_vxlan_port), host-gw (routes, no overlay: every node on one L2 segment, no port) or wireguard (UDP ${WIREGUARD_PORT}); firewalld opens what it needs`,
    ),
  flannel_vxlan_port: port.default(podNetworkDefaults.flannel_vxlan_port).describe('the VXLAN UDP port (vxlan backend)'),
  flannel_subnet_manager: oneOf(SUBNET_MANAGERS)
    .default(podNetworkDefaults.flannel_subnet_manager)
    .describe(
      "kube: flanneld reads node podCIDRs from the API (--kube-subnet-mgr); etcd: the HA handbook's flannel, its network config and leases in etcd under flannel_etcd_prefix, with an etcd client certificate of its own",
    ),
  flannel_etcd_prefix: etcdPrefix
    .default(podNetworkDefaults.flannel_etcd_prefix)
    .describe('the etcd key prefix (etcd subnet manager): <prefix>/config holds the network config, <prefix>/subnets the leases'),
};

/** What the backend needs open between nodes, as port/proto. */
export function overlayPorts(v: PodNetworkVars): string[] {
  if (v.flannel_backend === 'vxlan') return [`${v.flannel_vxlan_port}/udp`];
  return v.flannel_backend === 'wireguard' ? [`${WIREGUARD_PORT}/udp`] : [];
}
