/**
 * firewalld vars: the zone, the ports each part of the cluster opens beyond what the cluster model implies,
 * and more sources to trust. Which group plays which part, the etcd and API ports and the pod and service
 * CIDRs come from the cluster model (roles/cluster: topology()), not from here.
 */
import { z } from 'zod';
import { declareVars, portProto, type VarsOf } from '../../lib/index.js';
import { PARTS as CLUSTER_PARTS } from '../cluster/index.js';
import { ipOrCidr } from '../cluster/schemas.js';

/** The parts that open ports: the cluster's parts, and flannel (on every node: the cluster's nodes group). */
export const PARTS = [...CLUSTER_PARTS, 'flannel'] as const;
export type Part = (typeof PARTS)[number];

const PORT_DEFAULTS: Readonly<Record<Part, readonly string[]>> = {
  // etcd's client and peer ports come from the cluster model.
  etcd: [],
  // The apiserver's port comes from the cluster model; controller-manager (10257) and scheduler (10259) secure ports.
  controlPlane: ['10257/tcp', '10259/tcp'],
  // kubelet API and kube-proxy healthz.
  nodes: ['10250/tcp', '10256/tcp'],
  workers: ['30000-32767/tcp'],
  // The API frontend on the VIP comes from the cluster model.
  lb: [],
  // The backend's port (VXLAN's or WireGuard's) comes from the cluster model.
  flannel: [],
};

// firewalld limits zone names to 17 characters (it needs room for chain suffixes).
const zone = z.string().regex(/^[A-Za-z0-9_-]{1,17}$/, 'expected a zone name: letters, digits, - and _, at most 17 characters');
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/, 'expected a name: letters, digits, . _ @ -');
/** One entry per part; a part left out keeps its default, so an override can name just the part it changes. */
const ports = z.strictObject({
  etcd: z.array(portProto).default([...PORT_DEFAULTS.etcd]),
  controlPlane: z.array(portProto).default([...PORT_DEFAULTS.controlPlane]),
  nodes: z.array(portProto).default([...PORT_DEFAULTS.nodes]),
  workers: z.array(portProto).default([...PORT_DEFAULTS.workers]),
  lb: z.array(portProto).default([...PORT_DEFAULTS.lb]),
  flannel: z.array(portProto).default([...PORT_DEFAULTS.flannel]),
});

export const vars = declareVars(
  z.object({
    firewalld_zone: zone.default('public').describe("the zone the host's interfaces are in: firewalld's default zone unless you changed it"),
    firewalld_services: z
      .array(name)
      .default(['ssh', 'dhcpv6-client'])
      .describe('services kept open in that zone; the zone is written whole, so keep ssh or lose the host'),
    firewalld_ports: ports
      .default({
        etcd: [...PORT_DEFAULTS.etcd],
        controlPlane: [...PORT_DEFAULTS.controlPlane],
        nodes: [...PORT_DEFAULTS.nodes],
        workers: [...PORT_DEFAULTS.workers],
        lb: [...PORT_DEFAULTS.lb],
        flannel: [...PORT_DEFAULTS.flannel],
      })
      .describe('more ports each part opens on its hosts (port/proto or from-to/proto), after those the cluster model implies'),
    firewalld_extra_ports: z.array(portProto).default([]).describe('more ports for this host (set it on a host or group in the inventory)'),
    firewalld_vrrp: z.boolean().default(true).describe('accept VRRP (IP protocol 112) from the other lb hosts, for keepalived'),
    firewalld_masquerade: z.boolean().default(true).describe('masquerade in the zone (pods reaching out)'),
    firewalld_trusted_zone: zone.default('trusted').describe('zone whose sources are accepted whole: the pod and service CIDRs (flannel#1515, #2055)'),
    firewalld_trusted_sources: z.array(ipOrCidr).default([]).describe('more sources for the trusted zone'),
    firewalld_restart_on_reload: z
      .array(name)
      .default(['docker.service'])
      .describe("units restarted after a reload if running: a reload can drop docker's chains (moby#35043)"),
  }),
  (v, ctx) => {
    if (v.firewalld_trusted_zone === v.firewalld_zone)
      ctx.addIssue({
        code: 'custom',
        path: ['firewalld_trusted_zone'],
        message: `"${v.firewalld_trusted_zone}" is also firewalld_zone; the trusted zone must be another zone`,
      });
  },
);

export type FirewalldVars = VarsOf<typeof vars>;
export const { defaults, schema } = vars;
