/** haproxy vars: the API frontend on the VIP, the control-plane backends and their health checks. */
import { z } from 'zod';

export interface HaproxyVars {
  /** The port clients use on the VIP (the cluster's apiserver_port, as in api endpoint https://VIP:port). */
  readonly apiserver_port: number;
  /** The port the apiservers listen on, on the control-plane hosts. */
  readonly haproxy_backend_port: number;
  /**
   * 'vip': bind only VIP:port, with net.ipv4.ip_nonlocal_bind=1 so a host that does not hold the VIP can
   * bind it too (safe next to an apiserver bound to the node address). 'any': bind *:port.
   */
  readonly haproxy_bind: 'vip' | 'any';
  /** Loopback port answering GET /healthz while haproxy runs: keepalived's check script asks it. */
  readonly haproxy_health_port: number;
  readonly haproxy_balance: 'roundrobin' | 'leastconn' | 'source';
  /**
   * How haproxy decides a backend apiserver is up (checks use TLS without verifying the certificate):
   * - 'https': GET /healthz gets an HTTP answer, 200 or 401/403. Proves the apiserver serves TLS and HTTP;
   *   works with anonymous auth off (the apiserver role's default), where /healthz says 401 to a client
   *   without a certificate - so it cannot see the apiserver's own health.
   * - 'healthz': GET /healthz must answer 200: real health, but only with anonymous auth on (lb hosts get
   *   no client certificate from the PKI).
   * - 'tcp': the port accepts a connection.
   */
  readonly haproxy_backend_check: 'https' | 'healthz' | 'tcp';
  /** Client and server inactivity timeout (watches are long-lived connections; clients reconnect). */
  readonly haproxy_timeout: string;
}

export const defaults: HaproxyVars = {
  apiserver_port: 6443,
  haproxy_backend_port: 6443,
  haproxy_bind: 'vip',
  haproxy_health_port: 8404,
  haproxy_balance: 'roundrobin',
  haproxy_backend_check: 'https',
  haproxy_timeout: '10m',
};

const port = z.number().int().min(1).max(65535);

export const schema: z.ZodType<HaproxyVars> = z.object({
  apiserver_port: port,
  haproxy_backend_port: port,
  haproxy_bind: z.enum(['vip', 'any']),
  haproxy_health_port: port,
  haproxy_balance: z.enum(['roundrobin', 'leastconn', 'source']),
  haproxy_backend_check: z.enum(['https', 'healthz', 'tcp']),
  haproxy_timeout: z.string().regex(/^\d+(us|ms|s|m|h|d)?$/, 'expected a haproxy time such as 10m or 30s'),
}).superRefine((v, ctx) => {
  if (v.haproxy_health_port === v.apiserver_port) ctx.addIssue({ code: 'custom', path: ['haproxy_health_port'], message: `must differ from apiserver_port (${v.apiserver_port})` });
}) as unknown as z.ZodType<HaproxyVars>;
