/**
 * nginx-lb vars. Where it listens and what it balances to are haproxy's vars, declared there once, so that
 * switching lb_implementation changes the program and nothing else: apiserver_port (the frontend),
 * haproxy_backend_port (the apiservers' port), haproxy_bind (the VIP or every address). nginx's own are
 * prefixed `nginx_`: open-source nginx has no active health checks, only passive ones (max_fails/fail_timeout).
 */
import { z } from 'zod';
import { declareVars, familyPackages, type VarsOf } from '../../lib/index.js';
import { lbImplementationShape } from '../cluster/lb-implementation.js';
import { vars as haproxyVars } from '../haproxy/vars.js';

/** An nginx time (ms, s, m, h, d; no unit is seconds). */
const time = z.string().regex(/^\d+(ms|s|m|h|d)?$/, 'expected an nginx time such as 10s, 10m or 500ms');

const shared = haproxyVars.object.shape;

export const vars = declareVars(
  z.object({
    ...lbImplementationShape,
    apiserver_port: shared.apiserver_port,
    haproxy_backend_port: shared.haproxy_backend_port.describe('the port the apiservers listen on, on the control-plane hosts (nginx-lb reads it too)'),
    haproxy_bind: shared.haproxy_bind.describe("'vip': listen on VIP:port only (with ip_nonlocal_bind); 'any': on *:port (nginx-lb reads it too)"),
    nginx_packages: familyPackages
      .default({ debian: ['nginx', 'libnginx-mod-stream'], redhat: ['nginx', 'nginx-mod-stream'] })
      .describe('nginx and its stream module, per OS family'),
    nginx_max_fails: z
      .number()
      .int()
      .min(0)
      .max(100)
      .default(2)
      .describe('failed connections to one apiserver, within nginx_fail_timeout, that take it out for nginx_fail_timeout (0: never)'),
    nginx_fail_timeout: time.default('10s').describe('the window max_fails counts in, and how long a failed apiserver is then left out'),
    nginx_connect_timeout: time.default('5s').describe('how long a connect to one apiserver may take before the next one is tried'),
    // Watches are long-lived connections; clients reconnect (haproxy_timeout's counterpart).
    nginx_proxy_timeout: time.default('10m').describe('inactivity timeout between two reads or writes on a proxied connection'),
  }),
);

export type NginxLbVars = VarsOf<typeof vars>;
export const { defaults, schema } = vars;
