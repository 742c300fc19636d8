/** prereqs vars: what every cluster host needs before etcd, the runtime and the kubelet. */
import { z } from 'zod';
import { declareVars, familyPackages, type VarsOf } from '../../lib/index.js';
import { ipAddress } from '../cluster/schemas.js';

const hostname = z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'expected a host name (letters, digits, dots, dashes)');
const SYSCTL_KEY = /^[a-zA-Z0-9_][a-zA-Z0-9_./-]*$/;
const sysctls = z.record(z.string(), z.union([z.string(), z.number()])).superRefine((rec, ctx) => {
  // A custom issue rather than a key schema: zod reports a bad record key only as "Invalid key in record".
  for (const k of Object.keys(rec))
    if (!SYSCTL_KEY.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: 'expected a sysctl key such as net.ipv4.ip_forward' });
});

export const vars = declareVars(
  z.object({
    prereqs_sysctls: sysctls
      .default({
        // Both families: a dual-stack or IPv6 pod network silently drops forwarded v6 traffic otherwise.
        'net.ipv4.ip_forward': 1,
        'net.ipv6.conf.all.forwarding': 1,
        'net.bridge.bridge-nf-call-iptables': 1,
        'net.bridge.bridge-nf-call-ip6tables': 1,
      })
      .describe('kernel parameters, set now and persisted under /etc/sysctl.d (one file per key); replaces the default map as a whole'),
    prereqs_kernel_modules: z
      .array(z.string().regex(/^[a-zA-Z0-9_-]+$/, 'expected a kernel module name'))
      .default(['br_netfilter', 'overlay'])
      .describe('loaded now and at boot (/etc/modules-load.d); br_netfilter must stay: the net.bridge.* sysctls need it'),
    // They differ per family: conntrack on Debian is conntrack-tools on RHEL.
    prereqs_packages: familyPackages
      .default({ debian: ['conntrack', 'socat', 'ipset'], redhat: ['conntrack-tools', 'socat', 'ipset'] })
      .describe('package names per OS family'),
    prereqs_swap_off: z.boolean().default(true).describe('swapoff now, fstab swap lines commented out and swap.target masked'),
    prereqs_selinux: z
      .enum(['permissive', 'keep'])
      .default('permissive')
      .describe(
        "'permissive': SELinux set permissive now and at boot where enforcing; 'keep': left as the host has it (labelled hosts with container-selinux)",
      ),
    prereqs_etc_hosts: z.boolean().default(true).describe('a managed block in /etc/hosts with every cluster host (inventory name -> address)'),
    prereqs_hosts_domain: z
      .union([z.literal(''), hostname])
      .default('')
      .describe("when set, each host's line also gets <name>.<domain> (first, as the canonical name)"),
    prereqs_extra_hosts: z
      .array(z.object({ address: ipAddress, names: z.array(hostname).min(1) }))
      .default([])
      .describe('more /etc/hosts lines for the block (a registry, an external LB name...)'),
  }),
);

export type PrereqsVars = VarsOf<typeof vars>;
export type HostsEntry = PrereqsVars['prereqs_extra_hosts'][number];
export const { defaults, schema } = vars;

/** An inventory address that can go into /etc/hosts (DNS names and `localhost` cannot). */
export const isIpAddress = (a: string): boolean => ipAddress.safeParse(a).success;
