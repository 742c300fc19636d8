/** keepalived vars: the VRRP instance that holds the API's VIP on one lb host at a time. */
import { z } from 'zod';

export interface KeepalivedVars {
  /** The interface that carries the VIP (the one with the host's address on the lb subnet). Required. */
  readonly vip_interface: string;
  /** 1..254, set per lb host, each different: the highest holds the VIP (starts as MASTER), the others BACKUP. */
  readonly keepalived_priority: number;
  /** VRRP router id, 1..255: unique per L2 segment (a duplicate logs "bogus VRRP packet received"). */
  readonly keepalived_router_id: number;
  /** Seconds between adverts; a BACKUP takes over after about 3 missed ones. */
  readonly keepalived_advert_int: number;
  /**
   * VRRP PASS authentication, at most 8 characters; '' derives one from the cluster name, VIP and router
   * id. It keeps a misconfigured neighbour out, nothing more: PASS travels in clear (RFC 3768 dropped it).
   */
  readonly keepalived_auth_pass: string;
  /** haproxy's loopback monitor port (the haproxy role's var of the same name): the check script asks it. */
  readonly haproxy_health_port: number;
  /** The API port on the VIP: the gate connects to VIP:port. */
  readonly apiserver_port: number;
}

export const defaults: KeepalivedVars = {
  vip_interface: '',
  keepalived_priority: 100,
  keepalived_router_id: 51,
  keepalived_advert_int: 1,
  keepalived_auth_pass: '',
  haproxy_health_port: 8404,
  apiserver_port: 6443,
};

const MISSING_IFACE = 'set the interface that carries the VIP on each lb host (e.g. eth0), in the inventory';

export const priority = z.number().int().min(1, 'expected 1..254 (255 is reserved for the address owner)').max(254, 'expected 1..254 (255 is reserved for the address owner)');
const port = z.number().int().min(1).max(65535);

export const schema: z.ZodType<KeepalivedVars> = z.object({
  vip_interface: z.string({ error: MISSING_IFACE })
    .min(1, MISSING_IFACE)
    .regex(/^[A-Za-z0-9_.@:-]{1,15}$/, 'expected an interface name (at most 15 characters: letters, digits, _ . @ : -)'),
  keepalived_priority: priority,
  keepalived_router_id: z.number().int().min(1).max(255),
  keepalived_advert_int: z.number().int().min(1).max(255),
  keepalived_auth_pass: z.string().regex(/^[!-~]{0,8}$/, 'expected at most 8 printable characters without spaces'),
  haproxy_health_port: port,
  apiserver_port: port,
}) as unknown as z.ZodType<KeepalivedVars>;
