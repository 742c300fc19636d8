/** /etc/haproxy/haproxy.cfg, rendered whole from the vars, the VIP and the control-plane hosts. Pure. */
import type { HaproxyVars } from './vars.js';

export interface Backend {
  readonly name: string;
  readonly address: string;
}

/** The first line's start: tsplay wrote this file (the nginx-lb role stops a haproxy it finds so, when nginx is chosen). */
export const MARKER = '# Managed by tsplay (role haproxy)';

/** The backend health check's HTTP part (see haproxy_backend_check). */
const EXPECT: Record<HaproxyVars['haproxy_backend_check'], string> = {
  https: '  option httpchk GET /healthz\n  http-check expect rstatus ^(200|401|403)$\n',
  healthz: '  option httpchk GET /healthz\n  http-check expect status 200\n',
  tcp: '',
};

/** haproxy reads the port after the last colon, so IPv6 addresses need no brackets. */
const hostPort = (address: string, port: number) => `${address}:${port}`;

export function haproxyConfig(v: HaproxyVars, host: string, vip: string, backends: readonly Backend[]): string {
  const bind = v.haproxy_bind === 'vip' ? hostPort(vip, v.apiserver_port) : `:${v.apiserver_port}`;
  const check = v.haproxy_backend_check === 'tcp' ? 'check' : 'check check-ssl verify none';
  return `${MARKER} on ${host}; edits here are overwritten.
global
  log /dev/log local0
  log /dev/log local1 notice
  chroot /var/lib/haproxy
  stats socket /var/lib/haproxy/admin.sock mode 660 level admin
  stats timeout 30s
  user haproxy
  group haproxy
  daemon

defaults
  log global
  option dontlognull
  timeout connect 5s
  timeout client ${v.haproxy_timeout}
  timeout server ${v.haproxy_timeout}
  timeout check 5s
  # A refused connection (an apiserver restarting before its check marks it down) is retried on another backend.
  retries 3
  option redispatch 1

# Answers 200 while haproxy runs: keepalived's check script asks here, and gives up the VIP when it fails.
frontend healthz
  bind 127.0.0.1:${v.haproxy_health_port}
  mode http
  no log
  monitor-uri /healthz

frontend kube-apiserver
  bind ${bind}
  mode tcp
  option tcplog
  default_backend kube-apiserver

backend kube-apiserver
  mode tcp
  balance ${v.haproxy_balance}
${EXPECT[v.haproxy_backend_check]}  default-server inter 5s downinter 5s rise 2 fall 2 slowstart 60s maxconn 1000 maxqueue 256 weight 100
${backends.map((b) => `  server ${b.name} ${hostPort(b.address, v.haproxy_backend_port)} ${check}`).join('\n')}
`;
}
