/** keepalived vars: the VRRP instance that holds the API's VIP on one lb host at a time. */
import { z } from 'zod';
import { declareVars, type VarsOf } from '../../lib/index.js';
import { lbImplementationShape } from '../cluster/lb-implementation.js';
import { vars as haproxyVars } from '../haproxy/vars.js';

const MISSING_IFACE = 'set the interface that carries the VIP on each lb host (e.g. eth0), in the inventory';

export const priority = z
  .number()
  .int()
  .min(1, 'expected 1..254 (255 is reserved for the address owner)')
  .max(254, 'expected 1..254 (255 is reserved for the address owner)');

export const vars = declareVars(
  z.object({
    vip_interface: z
      .string({ error: MISSING_IFACE })
      .min(1, MISSING_IFACE)
      .regex(/^[A-Za-z0-9_.@:-]{1,15}$/, 'expected an interface name (at most 15 characters: letters, digits, _ . @ : -)')
      .default('')
      .describe("the interface that carries the VIP (the one with the host's address on the lb subnet); required"),
    keepalived_priority: priority
      .default(100)
      .describe('1..254, set per lb host, each different: the highest holds the VIP (starts as MASTER), the others BACKUP'),
    keepalived_router_id: z
      .number()
      .int()
      .min(1)
      .max(255)
      .default(51)
      .describe('VRRP router id, 1..255: unique per L2 segment (a duplicate logs "bogus VRRP packet received")'),
    keepalived_advert_int: z.number().int().min(1).max(255).default(1).describe('seconds between adverts; a BACKUP takes over after about 3 missed ones'),
    // PASS keeps a misconfigured neighbour out, nothing more: it travels in clear (RFC 3768 dropped it).
    keepalived_auth_pass: z
      .string()
      .regex(/^[!-~]{0,8}$/, 'expected at most 8 printable characters without spaces')
      .default('')
      .describe("VRRP PASS authentication, at most 8 characters; '' derives one from the cluster name, VIP and router id"),
    // Which load balancer the check script follows (roles/cluster/lb-implementation.ts), and haproxy's own fields, declared there once.
    ...lbImplementationShape,
    haproxy_health_port: haproxyVars.object.shape.haproxy_health_port,
    apiserver_port: haproxyVars.object.shape.apiserver_port,
  }),
);

export type KeepalivedVars = VarsOf<typeof vars>;
export const { defaults, schema } = vars;
