/**
 * host-gw routes each node's pod subnet via that node's own address, which works only when every other
 * node is on this host's L2 segment: its route has no gateway. Asked with `ip -o route get`, one line per
 * node, in the role's one query round trip; a node reached through a router fails the host before
 * anything changes, naming the node and the router. Nothing to change otherwise.
 */
import { ConfigError, defineResource, normalizeIp, q, type Change, type Host, type Resource } from '../../lib/index.js';
import { clusterAddress } from '../cluster/cluster-address.js';

interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
}

/** The nodes reached through a gateway, from `ip -o route get` lines (`A via G dev ...`). */
export function routedThrough(stdout: string, addresses: readonly string[]): { address: string; via: string }[] {
  const lines = stdout.split('\n');
  return addresses.flatMap((address) => {
    const line = lines.find((l) => l.split(/\s+/)[0] === address || l.split(/\s+/)[1] === address);
    const via = line && / via (\S+)/.exec(line)?.[1];
    return via ? [{ address, via }] : [];
  });
}

export function sameSegment(host: Host, nodes: readonly Host[]): Resource<[CommandResult]> {
  const others = nodes.filter((n) => n.name !== host.name);
  const addresses = others.map((n) => {
    const ip = normalizeIp(clusterAddress(n));
    if (!ip)
      throw new ConfigError(
        `flannel_backend host-gw routes via node addresses: node ${n.name} has cluster address "${clusterAddress(n)}", not an IP`,
        'vars.flannel_backend',
      );
    return ip;
  });
  return defineResource<[CommandResult]>({
    id: 'host-gw:same-segment',
    reads: [],
    writes: [],
    queries: [q.command(addresses.length ? addresses.map((a) => `ip -o route get ${a} 2>&1`).join(' && ') : 'true')],
    check([r]): Change[] {
      if (r.exitCode !== 0) throw new Error(`ip route get failed (exit ${r.exitCode}): ${r.stdout.trim()}`);
      const routed = routedThrough(r.stdout, addresses);
      if (routed.length) {
        const named = routed.map((x) => `${others[addresses.indexOf(x.address)]!.name} (${x.address}) via ${x.via}`).join(', ');
        throw new Error(
          `flannel_backend host-gw needs every node on this host's L2 segment, but ${host.name} reaches ${named}: use vxlan or wireguard, or put the nodes on one segment`,
        );
      }
      return [];
    },
    apply: () => [],
  });
}
