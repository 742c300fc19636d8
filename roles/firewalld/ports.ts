/**
 * The port matrix for one host: the ports of every part whose group the host is in, the LB frontend on
 * lb hosts, the host's SSH port unless the ssh service already opens it, and the other lb hosts as VRRP peers. Pure; a group name that
 * is not in the inventory is refused (a typo would otherwise silently open nothing).
 */
import { ConfigError, type Cluster, type Host } from '../../lib/index.js';
import { isIp, PARTS, type FirewalldVars, type Part } from './vars.js';

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

/** A group the inventory defines (an empty one too: a single-host cluster keeps an empty lb group). */
function defined(cluster: Cluster, g: string): boolean {
  try {
    cluster.group(g);
    return true;
  } catch {
    return false;
  }
}

function checkGroups(v: FirewalldVars, host: Host, cluster: Cluster): void {
  for (const part of PARTS) {
    const g = v.firewalld_groups[part];
    if (g !== '' && !defined(cluster, g)) {
      throw new ConfigError(`var firewalld_groups.${part}: no group "${g}" in the inventory (set it to "" if the cluster has none)`, `role firewalld on ${host.name}`);
    }
  }
}

const parse = (p: string): Port => {
  const [port, protocol] = p.split('/') as [string, string];
  return { port, protocol };
};

export function hostMatrix(v: FirewalldVars, host: Host, cluster: Cluster): HostMatrix {
  checkGroups(v, host, cluster);
  const parts = PARTS.filter((p) => v.firewalld_groups[p] !== '' && host.groups.includes(v.firewalld_groups[p]));
  const isLb = parts.includes('lb');
  // The zone file replaces the zone whole: keep the port tsplay itself came in on.
  const sshOpen = host.port === 22 && v.firewalld_services.includes('ssh');
  const specs = [
    ...(sshOpen ? [] : [`${host.port}/tcp`]),
    ...parts.flatMap((p) => v.firewalld_ports[p]),
    ...(isLb ? [`${v.apiserver_port}/tcp`] : []),
    ...v.firewalld_extra_ports,
  ];
  const ports = [...new Set(specs)].map(parse);
  return { parts, ports, vrrpPeers: isLb && v.firewalld_vrrp ? peers(v.firewalld_groups.lb, host, cluster) : [] };
}

function peers(group: string, host: Host, cluster: Cluster): string[] {
  const others = cluster.group(group).filter((h) => h.name !== host.name);
  const bad = others.find((h) => !isIp(h.address));
  if (bad) throw new ConfigError(`lb host ${bad.name} has address "${bad.address}": VRRP rules need an IP address`, `role firewalld on ${host.name}`);
  return others.map((h) => h.address);
}
