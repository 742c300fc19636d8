/** haproxy vars: the API frontend on the VIP, the control-plane backends and their health checks. */
import { z } from 'zod';
import { declareVars, oneOf, port, type VarsOf } from '../../lib/index.js';
import { clusterShape } from '../cluster/cluster-schema.js';
import { lbImplementationShape } from '../cluster/lb-implementation.js';

export const vars = declareVars(
  z.object({
    ...lbImplementationShape,
    apiserver_port: clusterShape.apiserver_port.describe("the port clients use on the VIP (the cluster's apiserver_port: api endpoint https://VIP:port)"),
    haproxy_backend_port: clusterShape.apiserver_port.describe('the port the apiservers listen on, on the control-plane hosts'),
    // 'vip' sets net.ipv4.ip_nonlocal_bind=1 so a host that does not hold the VIP can bind it too.
    haproxy_bind: oneOf(['vip', 'any']).default('vip').describe("'vip': bind only VIP:port (with ip_nonlocal_bind); 'any': bind *:port"),
    haproxy_health_port: port.default(8404).describe("loopback port answering GET /healthz while haproxy runs: keepalived's check script asks it"),
    haproxy_balance: oneOf(['roundrobin', 'leastconn', 'source']).default('roundrobin').describe('how requests spread over the apiservers'),
    // 'https': GET /healthz answers 200 or 401/403 (works with anonymous auth off, the apiserver role's default);
    // 'healthz': must answer 200 (real health, needs anonymous auth); 'tcp': the port accepts a connection.
    haproxy_backend_check: oneOf(['https', 'healthz', 'tcp'])
      .default('https')
      .describe("how a backend apiserver counts as up: 'https', 'healthz' (200 only) or 'tcp'"),
    haproxy_timeout: z
      .string()
      .regex(/^\d+(us|ms|s|m|h|d)?$/, 'expected a haproxy time such as 10m or 30s')
      .default('10m')
      .describe('client and server inactivity timeout (watches are long-lived connections; clients reconnect)'),
  }),
  (v, ctx) => {
    if (v.haproxy_health_port === v.apiserver_port)
      ctx.addIssue({ code: 'custom', path: ['haproxy_health_port'], message: `must differ from apiserver_port (${v.apiserver_port})` });
  },
);

export type HaproxyVars = VarsOf<typeof vars>;
export const { defaults, schema } = vars;
