/** firewalld vars: the zone, the port matrix (group -> ports) and the cluster CIDRs to trust. */
import { z } from 'zod';

/** The parts of a cluster that open ports; each maps to an inventory group. */
export const PARTS = ['etcd', 'control_plane', 'nodes', 'workers', 'flannel', 'lb'] as const;
export type Part = (typeof PARTS)[number];

export interface FirewalldVars {
  /** The zone the host's interfaces are in: firewalld's default zone unless you changed it. */
  readonly firewalld_zone: string;
  /** Services kept open in that zone. Writing the zone replaces it whole: keep ssh or lose the host. */
  readonly firewalld_services: readonly string[];
  /** Inventory group of each part; '' when the cluster has no such group. */
  readonly firewalld_groups: Readonly<Record<Part, string>>;
  /** Ports each part opens on the hosts of its group, as `port/proto` or `from-to/proto`. */
  readonly firewalld_ports: Readonly<Record<Part, readonly string[]>>;
  /** More ports for this host (set it on a host or group in the inventory). */
  readonly firewalld_extra_ports: readonly string[];
  /** The LB frontend: the API port clients use on the VIP, opened on lb hosts. */
  readonly apiserver_port: number;
  /** Accept VRRP (IP protocol 112) from the other lb hosts, for keepalived. */
  readonly firewalld_vrrp: boolean;
  readonly firewalld_masquerade: boolean;
  /** Zone whose sources are accepted whole: the pod and service CIDRs (flannel#1515, #2055). */
  readonly firewalld_trusted_zone: string;
  readonly pod_cidr: string;
  readonly service_cidr: string;
  /** More sources for the trusted zone. */
  readonly firewalld_trusted_sources: readonly string[];
  /** Units restarted after a reload if they are running: a reload can drop docker's chains (moby#35043). */
  readonly firewalld_restart_on_reload: readonly string[];
}

/** Defaults match inventory/prod.ts (groups lb, etcd, masters, workers, k8s) and the upstream port lists. */
export const defaults: FirewalldVars = {
  firewalld_zone: 'public',
  firewalld_services: ['ssh', 'dhcpv6-client'],
  firewalld_groups: { etcd: 'etcd', control_plane: 'masters', nodes: 'k8s', workers: 'workers', flannel: 'k8s', lb: 'lb' },
  firewalld_ports: {
    etcd: ['2379-2380/tcp'],
    // apiserver, controller-manager (10257) and scheduler (10259) secure ports.
    control_plane: ['6443/tcp', '10257/tcp', '10259/tcp'],
    // kubelet API and kube-proxy healthz.
    nodes: ['10250/tcp', '10256/tcp'],
    workers: ['30000-32767/tcp'],
    // VXLAN backend.
    flannel: ['8472/udp'],
    lb: [],
  },
  firewalld_extra_ports: [],
  apiserver_port: 6443,
  firewalld_vrrp: true,
  firewalld_masquerade: true,
  firewalld_trusted_zone: 'trusted',
  pod_cidr: '10.244.0.0/16',
  service_cidr: '10.96.0.0/12',
  firewalld_trusted_sources: [],
  firewalld_restart_on_reload: ['docker.service'],
};

const inRange = (n: string) => Number(n) >= 1 && Number(n) <= 65535;
/** `6443/tcp` or `30000-32767/tcp`, ports 1-65535, a range low to high. */
export const port = z
  .string()
  .regex(/^\d{1,5}(-\d{1,5})?\/(tcp|udp|sctp|dccp)$/, 'expected port/protocol such as 6443/tcp or 30000-32767/tcp')
  .refine((p) => {
    const [lo, hi = lo] = p.split('/')[0]!.split('-') as [string, string?];
    return inRange(lo) && inRange(hi!) && Number(lo) <= Number(hi);
  }, 'ports must be 1-65535, a range from low to high');

const octet = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const V4 = new RegExp(`^${octet}(\\.${octet}){3}(/([12]?\\d|3[0-2]))?$`);
const V6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(\/(\d{1,2}|1[01]\d|12[0-8]))?$/;
const cidr = z.string().refine((s) => V4.test(s) || V6.test(s), 'expected an IPv4 or IPv6 address or CIDR such as 10.244.0.0/16');
// firewalld limits zone names to 17 characters (it needs room for chain suffixes).
const zone = z.string().regex(/^[A-Za-z0-9_-]{1,17}$/, 'expected a zone name: letters, digits, - and _, at most 17 characters');
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/, 'expected a name: letters, digits, . _ @ -');
const group = z.string().regex(/^[A-Za-z0-9_.-]*$/, 'expected an inventory group name, or "" for none');
/** One entry per part; a part left out keeps its default, so an override can name just the part it changes. */
const partsOf = <O>(t: z.ZodType<O>, d: Readonly<Record<Part, O>>) =>
  z.strictObject(Object.fromEntries(PARTS.map((p) => [p, t.default(d[p] as never)]))) as unknown as z.ZodType<Record<Part, O>>;

export const schema: z.ZodType<FirewalldVars> = z.object({
  firewalld_zone: zone,
  firewalld_services: z.array(name),
  firewalld_groups: partsOf(group, defaults.firewalld_groups),
  firewalld_ports: partsOf<readonly string[]>(z.array(port), defaults.firewalld_ports),
  firewalld_extra_ports: z.array(port),
  apiserver_port: z.number().int().min(1).max(65535),
  firewalld_vrrp: z.boolean(),
  firewalld_masquerade: z.boolean(),
  firewalld_trusted_zone: zone,
  pod_cidr: cidr,
  service_cidr: cidr,
  firewalld_trusted_sources: z.array(cidr),
  firewalld_restart_on_reload: z.array(name),
});

/** An IP literal (for VRRP peer addresses: a rich rule's source cannot be a DNS name). */
export const isIp = (a: string): boolean => !a.includes('/') && (V4.test(a) || V6.test(a));
