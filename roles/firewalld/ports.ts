/**
 * The port matrix for one host, derived from the cluster model (roles/cluster: topology()): the parts
 * whose group the host is in (the cluster's own group names: control-plane, masters, ... whatever the
 * inventory uses), etcd's client and peer ports on etcd hosts, the API port on control-plane and lb
 * hosts, each part's further ports from the vars, the host's SSH port unless the ssh service already
 * opens it, and the other lb hosts as VRRP peers. Pure.
 */
import { ConfigError, normalizeIp, type Cluster, type Host } from '../../lib/index.js';
import { topology, type Topology } from '../cluster/index.js';
import { PARTS, type FirewalldVars, type Part } from './vars.js';
import { clusterAddress } from '../cluster/cluster-address.js';

export interface Port {
  readonly port: string;
  readonly protocol: string;
}

export interface HostMatrix {
  /** Parts this host plays, in PARTS order. */
  readonly parts: readonly Part[];
  /** Deduplicated, in matrix order. */
  readonly ports: readonly Port[];
  /** Addresses of the other lb hosts (VRRP peers); empty when not an lb host or VRRP is off. */
  readonly vrrpPeers: readonly string[];
}

/** The group that plays a part: flannel runs on every node. */
export const groupOf = (t: Topology, part: Part): string => t.groups[part === 'flannel' ? 'nodes' : part];

/** A part as the zone file's description names it (unchanged since before the cluster model: no rewrite, no reload). */
export const partLabel = (part: Part): string => (part === 'controlPlane' ? 'control_plane' : part);

/** The ports the cluster model implies for a part. */
function modelPorts(t: Topology, part: Part): string[] {
  if (part === 'etcd') {
    const [a, b] = [t.etcdClientPort, t.etcdPeerPort];
    return b === a + 1 ? [`${a}-${b}/tcp`] : [`${a}/tcp`, `${b}/tcp`];
  }
  if (part === 'flannel') return [...t.podNetwork.ports];
  return part === 'controlPlane' ? [`${t.apiserverPort}/tcp`] : [];
}

const parse = (p: string): Port => {
  const [port, protocol] = p.split('/') as [string, string];
  return { port, protocol };
};

export function hostMatrix(v: FirewalldVars, host: Host, cluster: Cluster): HostMatrix {
  const t = topology(cluster);
  const parts = PARTS.filter((p) => groupOf(t, p) !== '' && host.groups.includes(groupOf(t, p)));
  const isLb = parts.includes('lb');
  // The zone file replaces the zone whole: keep the port tsplay itself came in on.
  const sshOpen = host.port === 22 && v.firewalld_services.includes('ssh');
  const specs = [
    ...(sshOpen ? [] : [`${host.port}/tcp`]),
    ...parts.flatMap((p) => [...modelPorts(t, p), ...v.firewalld_ports[p]]),
    // The API frontend on the VIP.
    ...(isLb ? [`${t.apiserverPort}/tcp`] : []),
    ...v.firewalld_extra_ports,
  ];
  const ports = [...new Set(specs)].map(parse);
  return { parts, ports, vrrpPeers: isLb && v.firewalld_vrrp ? peers(t, host) : [] };
}

function peers(t: Topology, host: Host): string[] {
  const others = t.hosts.lb.filter((h) => h.name !== host.name);
  const bad = others.find((h) => normalizeIp(clusterAddress(h)) === undefined);
  if (bad)
    throw new ConfigError(`lb host ${bad.name} has cluster address "${clusterAddress(bad)}": VRRP rules need an IP address`, `role firewalld on ${host.name}`);
  return others.map(clusterAddress);
}
