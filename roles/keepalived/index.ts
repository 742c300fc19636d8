/**
 * keepalived: the API's VIP on the lb hosts over VRRP. One instance per host on vip_interface, priority
 * from keepalived_priority (the highest starts as MASTER, the others BACKUP), unicast peers (the other lb
 * hosts), PASS authentication, and a check script that fails when haproxy stops answering its monitor,
 * which puts the instance in FAULT and moves the VIP to the next host.
 *
 * The check follows lb_implementation: haproxy's monitor, or `systemctl is-active nginx`.
 * Order it after the load balancer (the check needs it running). Config changes reload keepalived (SIGHUP;
 * a restart would drop the VIP for a moment). Gate: see gate.ts.
 * Vars: see vars.ts. Cluster-wide: vip, cluster_groups.lb.
 */
import { createHash } from 'node:crypto';
import { defineRole, directory, file, pkg, reload, secret, service, template, type AnyResource, type Cluster, type Host } from '../../lib/index.js';
import { vipOf } from './vip.js';
import { chosenLb } from '../cluster/index.js';
import { CHECKS, checkScript, keepalivedConfig } from './config.js';
import { vipGate } from './gate.js';
import { master, peers } from './peers.js';
import { CLUSTER_VARS } from '../cluster/shared-vars.js';
import { defaults, schema, type KeepalivedVars } from './vars.js';

export { defaults, schema, type KeepalivedVars } from './vars.js';

export const RELOAD = 'reload keepalived';
export const CONFIG = '/etc/keepalived/keepalived.conf';

/** The auth password: the var, or 8 characters derived from what all lb hosts share (same on every one). */
export function authPass(v: KeepalivedVars, cluster: Cluster, vip: string): string {
  if (v.keepalived_auth_pass) return v.keepalived_auth_pass;
  const name = typeof cluster.vars['cluster_name'] === 'string' ? cluster.vars['cluster_name'] : 'kubernetes';
  return createHash('sha256').update(`tsplay-vrrp:${name}:${vip}:${v.keepalived_router_id}`).digest('base64url').slice(0, 8);
}

function resources(v: KeepalivedVars, host: Host, cluster: Cluster): AnyResource[] {
  const vip = vipOf(cluster);
  chosenLb(v, host);
  const all = peers(v, host, cluster);
  const self = all.find((p) => p.name === host.name)!;
  const pass = authPass(v, cluster, vip);
  secret(pass); // registered: reports and diffs show it masked
  const instance = {
    host: host.name,
    self,
    peers: all.filter((p) => p !== self),
    state: master(all) === self ? ('MASTER' as const) : ('BACKUP' as const),
    vip,
    pass,
  };
  return [
    pkg({ names: ['keepalived'] }),
    directory({ path: '/etc/keepalived', mode: 0o755 }),
    file({ path: CHECKS[v.lb_implementation].path, content: checkScript(v), mode: 0o755, owner: 'root' }),
    template({ path: CONFIG, render: () => keepalivedConfig(v, instance), mode: 0o640, owner: 'root', notify: RELOAD }),
    service({ name: 'keepalived', enabled: true, state: 'started' }),
  ];
}

export default defineRole<KeepalivedVars>({
  name: 'keepalived',
  tags: ['lb'],
  defaults,
  sharedVars: CLUSTER_VARS,
  schema,
  resources,
  handlers: () => ({ [RELOAD]: reload('keepalived') }),
  verify: [vipGate],
});
