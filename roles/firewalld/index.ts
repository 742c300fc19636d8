/**
 * firewalld: the package, the service enabled and running, and per-host ports from the host's groups
 * (the port matrix in ports.ts): etcd, control plane, kubelet/kube-proxy, NodePorts on workers, flannel
 * VXLAN, the LB frontend, VRRP between LB peers, masquerade, and the pod and service CIDRs trusted.
 *
 * Why zone files and not firewall-cmd: the role writes /etc/firewalld/zones/<zone>.xml and
 * <trusted>.xml whole (rendered by zone-xml.ts) and notifies one `reload firewalld` handler. Checking is
 * then two file reads in the role's one query round trip, a change is two atomic writes plus one
 * reload, and a converged host runs no firewall-cmd at all - instead of one `firewall-cmd --query-*`
 * per rule to check and one `--add-*` per rule (twice: runtime and --permanent) to change. The zone is
 * exactly what the vars say: a port opened by hand is closed again on the next change. The render is
 * deterministic, so a second run is a no-op. Trade-off: rules added at run time only (no --permanent)
 * are not seen until the next reload.
 *
 * The handler reloads with `firewall-cmd --reload` (synchronous, unlike systemctl reload, so the next
 * role's peers can connect), or restarts firewalld when it is not running; then it restarts the units
 * in firewalld_restart_on_reload that are running, because a reload can drop docker's chains.
 *
 * Order it before etcd (peers need 2380 at bootstrap) and flannel (VXLAN). Vars: see vars.ts.
 */
import { defineRole, directory, pkg, service, template, type AnyResource, type Cluster, type Handler, type Host } from '../../lib/index.js';
import { CLUSTER_VARS, topology } from '../cluster/index.js';
import { hostMatrix, partLabel } from './ports.js';
import { vars, type FirewalldVars } from './vars.js';
import { zoneXml, type RichRule } from './zone-xml.js';

export { defaults, schema, type FirewalldVars } from './vars.js';

export const ZONES_DIR = '/etc/firewalld/zones';
export const RELOAD = 'reload firewalld';
export const RELOAD_COMMAND = 'if firewall-cmd --state >/dev/null 2>&1; then firewall-cmd --reload; else systemctl restart firewalld.service; fi';
export const restartIfActive = (unit: string): string => `if systemctl is-active --quiet ${unit}; then systemctl restart ${unit}; fi`;

const title = (zone: string) => zone.charAt(0).toUpperCase() + zone.slice(1);
const family = (address: string): RichRule['family'] => (address.includes(':') ? 'ipv6' : 'ipv4');

/** The host's zone: services, the matrix ports, masquerade, VRRP from the LB peers. */
export function mainZone(v: FirewalldVars, host: Host, cluster: Cluster): string {
  const m = hostMatrix(v, host, cluster);
  return zoneXml({
    short: title(v.firewalld_zone),
    description: `Managed by tsplay (role firewalld) on ${host.name}: ${m.parts.map(partLabel).join(', ') || 'no cluster part'}. Changes here are overwritten.`,
    services: v.firewalld_services,
    ports: m.ports,
    masquerade: v.firewalld_masquerade,
    // 112 rather than "vrrp": the name needs /etc/protocols, which minimal images lack.
    rules: m.vrrpPeers.map((source) => ({ family: family(source), source, protocol: '112' })),
  });
}

/** The trusted zone: pod and service CIDRs as sources, everything from them accepted. */
export function trustedZone(v: FirewalldVars, cluster: Cluster): string {
  const t = topology(cluster);
  return zoneXml({
    short: title(v.firewalld_trusted_zone),
    description: 'Managed by tsplay (role firewalld): pod and service networks. Changes here are overwritten.',
    target: 'ACCEPT',
    sources: [...new Set([t.podCidr, t.serviceCidr, ...v.firewalld_trusted_sources])],
  });
}

function resources(v: FirewalldVars, host: Host, cluster: Cluster): AnyResource[] {
  const zoneFile = (zone: string, render: () => string) => template({ path: `${ZONES_DIR}/${zone}.xml`, render, mode: 0o644, notify: RELOAD });
  return [
    pkg({ names: ['firewalld'] }),
    directory({ path: ZONES_DIR }),
    zoneFile(v.firewalld_zone, () => mainZone(v, host, cluster)),
    zoneFile(v.firewalld_trusted_zone, () => trustedZone(v, cluster)),
    service({ name: 'firewalld', enabled: true, state: 'started' }),
  ];
}

function handlers(v: FirewalldVars): Record<string, Handler> {
  return {
    [RELOAD]: [
      { a: 'command', command: RELOAD_COMMAND },
      ...v.firewalld_restart_on_reload.map((u) => ({ a: 'command' as const, command: restartIfActive(u) })),
    ],
  };
}

export default defineRole<FirewalldVars>({
  name: 'firewalld',
  ...vars.role,
  sharedVars: CLUSTER_VARS,
  resources,
  handlers,
});
