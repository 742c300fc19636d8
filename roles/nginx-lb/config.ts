/** /etc/nginx/nginx.conf, rendered whole: the stream proxy to the apiservers and nothing else. Pure. */
import type { Backend } from '../haproxy/config.js';
import type { NginxLbVars } from './vars.js';

export const CONFIG = '/etc/nginx/nginx.conf';
/** The first line's start: tsplay wrote this file (the haproxy role stops an nginx it finds so, when haproxy is chosen). */
export const MARKER = '# Managed by tsplay (role nginx-lb)';

/** nginx wants IPv6 addresses in brackets before the port. */
const hostPort = (address: string, port: number) => `${address.includes(':') ? `[${address}]` : address}:${port}`;

export function nginxConfig(v: NginxLbVars, host: string, vip: string, backends: readonly Backend[]): string {
  const listen = v.haproxy_bind === 'vip' ? hostPort(vip, v.apiserver_port) : String(v.apiserver_port);
  const peer = `max_fails=${v.nginx_max_fails} fail_timeout=${v.nginx_fail_timeout}`;
  return `${MARKER} on ${host}; edits here are overwritten.
# The API's TCP load balancer alone: there is no http {} block, so no site listens (the
# distribution's default one included), only the stream proxy below.
worker_processes auto;
pid /run/nginx.pid;
error_log /var/log/nginx/error.log;
# The stream module, where each family's package puts its load_module line (a pattern that
# matches nothing is no error): Debian's libnginx-mod-stream, then RHEL's nginx-mod-stream.
include /etc/nginx/modules-enabled/*.conf;
include /usr/share/nginx/modules/*.conf;

events {
  worker_connections 1024;
}

stream {
  log_format kube_apiserver '$remote_addr [$time_local] $status $bytes_sent $bytes_received $session_time "$upstream_addr"';
  access_log /var/log/nginx/kube-apiserver.log kube_apiserver;

  # Passive health checks only (open-source nginx has no active ones): ${v.nginx_max_fails} failed
  # connections to a server within ${v.nginx_fail_timeout} leave it out for ${v.nginx_fail_timeout}.
  upstream kube_apiserver {
${backends.map((b) => `    server ${hostPort(b.address, v.haproxy_backend_port)} ${peer}; # ${b.name}`).join('\n')}
  }

  server {
    listen ${listen};
    proxy_pass kube_apiserver;
    proxy_connect_timeout ${v.nginx_connect_timeout};
    proxy_timeout ${v.nginx_proxy_timeout};
    # A refused connection (an apiserver restarting before it counts as failed) goes to the next server.
    proxy_next_upstream on;
    proxy_next_upstream_tries 3;
  }
}
`;
}
