/**
 * haproxy: the Kubernetes API's load balancer on the lb hosts. A TCP frontend on VIP:apiserver_port
 * (or *:port) balances to every control-plane host's apiserver, each health-checked (GET /healthz over
 * TLS, or a TCP connect); a loopback monitor frontend (GET /healthz) tells keepalived haproxy is alive.
 *
 * Binding the VIP on a host that does not hold it needs net.ipv4.ip_nonlocal_bind=1 (ipv6 for a v6
 * VIP), set here. Config changes reload haproxy (`systemctl reload`: the packaged unit checks the new
 * file first, then hands the sockets to new workers without dropping connections).
 *
 * Gate: the monitor answers and something listens on the API port. The VIP itself is keepalived's.
 * Only with lb_implementation haproxy (the default); it then stops and disables the nginx-lb role's nginx.
 * Vars: see vars.ts. Cluster-wide: vip, cluster_groups (lb, controlPlane), lb_implementation.
 */
import { ConfigError, defineRole, directory, pkg, reload, service, sysctl, template, type AnyResource, type Cluster, type Host } from '../../lib/index.js';
import { chosenLb, hostsOf, topology } from '../cluster/index.js';
import { CONFIG as NGINX_CONFIG, MARKER as NGINX_MARKER } from '../nginx-lb/config.js';
import { retiredLb } from '../nginx-lb/retire.js';
import { apiBackends } from './backends.js';
import { haproxyConfig } from './config.js';
import { servesGate } from './gate.js';
import { CLUSTER_VARS } from '../cluster/shared-vars.js';
import { defaults, schema, type HaproxyVars } from './vars.js';

export { defaults, schema, type HaproxyVars } from './vars.js';

export const RELOAD = 'reload haproxy';
export const CONFIG = '/etc/haproxy/haproxy.cfg';

/** The VIP, which this role cannot do without. */
export function vipOf(cluster: Cluster, role: string): string {
  const vip = topology(cluster).vip;
  if (!vip) throw new ConfigError(`the ${role} role needs the API's virtual IP: set vip (globally or on the lb group)`, 'vars.vip');
  return vip;
}

function resources(v: HaproxyVars, host: Host, cluster: Cluster): AnyResource[] {
  const t = topology(cluster);
  if (chosenLb(v, host) !== 'haproxy') return [];
  hostsOf(t, 'lb', 'haproxy');
  const vip = vipOf(cluster, 'haproxy');
  const backends = apiBackends(cluster, 'haproxy');
  const family = vip.includes(':') ? 'ipv6' : 'ipv4';
  return [
    pkg({ names: ['haproxy'] }),
    // Switching back from nginx: it would hold the API port.
    retiredLb({ unit: 'nginx', config: NGINX_CONFIG, marker: NGINX_MARKER }),
    directory({ path: '/etc/haproxy', mode: 0o755 }),
    ...(v.haproxy_bind === 'vip' ? [sysctl({ key: `net.${family}.ip_nonlocal_bind`, value: 1 })] : []),
    template({ path: CONFIG, render: () => haproxyConfig(v, host.name, vip, backends), mode: 0o644, notify: RELOAD }),
    service({ name: 'haproxy', enabled: true, state: 'started' }),
  ];
}

export default defineRole<HaproxyVars>({
  name: 'haproxy',
  tags: ['lb'],
  defaults,
  sharedVars: CLUSTER_VARS,
  schema,
  resources,
  handlers: () => ({ [RELOAD]: reload('haproxy') }),
  verify: [servesGate],
});
