/** The etcd members: every host of the cluster's etcd part, with its peer and client URLs. */
import { ConfigError, type Cluster, type Host } from '../../lib/index.js';
import { hostsOf, topology } from '../cluster/index.js';
import type { EtcdVars } from './vars.js';
import { clusterAddress } from '../cluster/cluster-address.js';

export interface Member {
  readonly name: string;
  readonly address: string;
  readonly peerUrl: string;
  readonly clientUrl: string;
}

const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const V6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$/;

/** `https://10.0.0.1:2379`, `https://[fd00::1]:2379`. */
export const url = (address: string, port: number): string => `https://${address.includes(':') ? `[${address}]` : address}:${port}`;

/** etcd binds its listen URLs, which must be IP addresses: a member's inventory address must be one. */
function memberOf(h: Host, v: EtcdVars): Member {
  const address = clusterAddress(h);
  if (!V4.test(address) && !V6.test(address)) {
    throw new ConfigError(
      `etcd listens on the member's cluster address, which must be an IP address, got "${address}" (set cluster_address to the IP its peers reach it at)`,
      `hosts.${h.name}.address`,
    );
  }
  return { name: h.name, address, peerUrl: url(address, v.etcd_peer_port), clientUrl: url(address, v.etcd_client_port) };
}

/** Every member, in inventory order (refuses an empty or even etcd group, naming the var). */
export function members(v: EtcdVars, cluster: Cluster): Member[] {
  return hostsOf(topology(cluster), 'etcd', 'etcd').map((h) => memberOf(h, v));
}

/** This host's member; the role runs only on etcd hosts. */
export function self(all: readonly Member[], host: Host): Member {
  const m = all.find((x) => x.name === host.name);
  if (!m) throw new ConfigError(`host ${host.name} is not in the etcd group; run the etcd role on the etcd hosts only`, `role etcd on ${host.name}`);
  return m;
}

/** The initial cluster token: the var, or `<cluster_name>-etcd`. */
export const clusterToken = (v: EtcdVars, cluster: Cluster): string => v.etcd_cluster_token || `${topology(cluster).name}-etcd`;
