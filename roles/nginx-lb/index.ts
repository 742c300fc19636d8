/**
 * nginx-lb: the Kubernetes API's load balancer on the lb hosts with nginx's stream module, in place of
 * haproxy when `lb_implementation: nginx` (global vars, or -e). A TCP proxy on VIP:apiserver_port (or
 * *:port) to every control-plane host's apiserver (haproxy's backend list and ports), with passive health
 * checks (max_fails/fail_timeout: open-source nginx has no active ones); nginx.conf is rendered whole and
 * holds no http {} block, so no site listens. The rendered file passes `nginx -t` before it replaces the
 * working one (validated.ts); changes reload nginx (graceful: old workers finish their connections).
 *
 * A haproxy that tsplay set up (its haproxy.cfg is ours) is stopped and disabled first: both would bind
 * the API port. Binding the VIP on a host that does not hold it needs net.ipv4.ip_nonlocal_bind=1 (ipv6
 * for a v6 VIP), set here as the haproxy role does. keepalived's check follows nginx (systemctl is-active).
 *
 * Gate: nginx is active and listens on the API port only. Only with lb_implementation nginx.
 * Vars: see vars.ts. Cluster-wide: vip, cluster_groups (lb, controlPlane), lb_implementation.
 */
import { defineRole, directory, pkg, reload, service, sysctl, type AnyResource, type Cluster, type Host } from '../../lib/index.js';
import { chosenLb, hostsOf, topology } from '../cluster/index.js';
import { CLUSTER_VARS } from '../cluster/shared-vars.js';
import { apiBackends } from '../haproxy/backends.js';
import { MARKER as HAPROXY_MARKER } from '../haproxy/config.js';
import { CONFIG as HAPROXY_CONFIG, vipOf } from '../haproxy/index.js';
import { CONFIG, nginxConfig } from './config.js';
import { servesGate } from './gate.js';
import { retiredLb } from './retire.js';
import { validatedConfig } from './validated.js';
import { defaults, schema, type NginxLbVars } from './vars.js';

export { defaults, schema, type NginxLbVars } from './vars.js';
export { CONFIG } from './config.js';

export const RELOAD = 'reload nginx';

/** `nginx -t` on a file: -q keeps only the errors, which name the file and line. */
export const testCommand = (path: string): string => `nginx -t -q -c ${path}`;

function resources(v: NginxLbVars, host: Host, cluster: Cluster): AnyResource[] {
  const t = topology(cluster);
  if (chosenLb(v, host) !== 'nginx') return [];
  hostsOf(t, 'lb', 'nginx-lb');
  const vip = vipOf(cluster, 'nginx-lb');
  const backends = apiBackends(cluster, 'nginx-lb');
  const family = vip.includes(':') ? 'ipv6' : 'ipv4';
  return [
    pkg({ names: v.nginx_packages }),
    retiredLb({ unit: 'haproxy', config: HAPROXY_CONFIG, marker: HAPROXY_MARKER }),
    directory({ path: '/etc/nginx', mode: 0o755 }),
    ...(v.haproxy_bind === 'vip' ? [sysctl({ key: `net.${family}.ip_nonlocal_bind`, value: 1 })] : []),
    validatedConfig({ path: CONFIG, render: () => nginxConfig(v, host.name, vip, backends), mode: 0o644, test: testCommand, notify: RELOAD }),
    service({ name: 'nginx', enabled: true, state: 'started' }),
  ];
}

export default defineRole<NginxLbVars>({
  name: 'nginx-lb',
  tags: ['lb'],
  defaults,
  sharedVars: CLUSTER_VARS,
  schema,
  resources,
  handlers: () => ({ [RELOAD]: reload('nginx') }),
  verify: [servesGate],
});
