/** /etc/keepalived/keepalived.conf and the load balancer's check script, rendered whole. Pure. */
import type { LbImplementation } from '../cluster/index.js';
import type { Peer } from './peers.js';
import type { KeepalivedVars } from './vars.js';

/** The check script and its vrrp_script name, per load balancer (lb_implementation). */
export const CHECKS: Readonly<Record<LbImplementation, { readonly path: string; readonly name: string }>> = {
  haproxy: { path: '/etc/keepalived/check_haproxy.sh', name: 'chk_haproxy' },
  nginx: { path: '/etc/keepalived/check_nginx.sh', name: 'chk_nginx' },
};
/** haproxy's, the default. */
export const CHECK_SCRIPT = CHECKS.haproxy.path;

/** What the script runs: haproxy's loopback monitor answers; nginx (no such monitor in the stream module) is active. */
const probe = (v: KeepalivedVars): string =>
  v.lb_implementation === 'nginx'
    ? 'exec systemctl is-active --quiet nginx.service'
    : `exec curl -fsS --max-time 1 -o /dev/null http://127.0.0.1:${v.haproxy_health_port}/healthz`;

/** Fails (and so moves the VIP away) when the load balancer is down. */
export const checkScript = (v: KeepalivedVars): string => `#!/bin/sh
# Managed by tsplay (role keepalived). keepalived runs this every second; two failures in a row put this
# host's VRRP instance in FAULT, which gives up the VIP to the next lb host.
${probe(v)}
`;

export interface Instance {
  readonly host: string;
  readonly self: Peer;
  readonly peers: readonly Peer[];
  readonly state: 'MASTER' | 'BACKUP';
  readonly vip: string;
  readonly pass: string;
}

export function keepalivedConfig(v: KeepalivedVars, i: Instance): string {
  const prefix = i.vip.includes(':') ? 128 : 32;
  return `# Managed by tsplay (role keepalived) on ${i.host}; edits here are overwritten.
global_defs {
  router_id ${i.host}
  script_user root
  enable_script_security
}

vrrp_script ${CHECKS[v.lb_implementation].name} {
  script "${CHECKS[v.lb_implementation].path}"
  interval 1
  timeout 2
  fall 2
  rise 2
}

vrrp_instance VI_${v.keepalived_router_id} {
  state ${i.state}
  interface ${v.vip_interface}
  virtual_router_id ${v.keepalived_router_id}
  priority ${i.self.priority}
  advert_int ${v.keepalived_advert_int}
  unicast_src_ip ${i.self.address}
  unicast_peer {
${i.peers.map((p) => `    ${p.address}`).join('\n')}
  }
  authentication {
    auth_type PASS
    auth_pass ${i.pass}
  }
  virtual_ipaddress {
    ${i.vip}/${prefix} dev ${v.vip_interface}
  }
  track_script {
    ${CHECKS[v.lb_implementation].name}
  }
}
`;
}
