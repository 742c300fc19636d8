/** prereqs vars: what every cluster host needs before etcd, the runtime and the kubelet. */
import { z } from 'zod';

export interface HostsEntry {
  readonly address: string;
  readonly names: readonly string[];
}

/** Package names per OS family (they differ: conntrack on Debian is conntrack-tools on RHEL). */
export interface FamilyPackages {
  readonly debian: readonly string[];
  readonly redhat: readonly string[];
}

export interface PrereqsVars {
  /** Kernel parameters, set now and persisted under /etc/sysctl.d (one file per key). Replaces the default map as a whole. */
  readonly prereqs_sysctls: Readonly<Record<string, string | number>>;
  /** Loaded now and at boot (/etc/modules-load.d). br_netfilter must stay: the net.bridge.* sysctls need it. */
  readonly prereqs_kernel_modules: readonly string[];
  readonly prereqs_packages: FamilyPackages;
  /** swapoff now (only when /proc/swaps lists a swap) and swap lines in /etc/fstab commented out. */
  readonly prereqs_swap_off: boolean;
  /** 'permissive': SELinux set permissive now and at boot where it is enforcing; 'keep': left as the host has it (labelled hosts with container-selinux). */
  readonly prereqs_selinux: 'permissive' | 'keep';
  /** A managed block in /etc/hosts with every cluster host (inventory name -> address). */
  readonly prereqs_etc_hosts: boolean;
  /** When set, each host's line also gets `<name>.<domain>` (first, as the canonical name). */
  readonly prereqs_hosts_domain: string;
  /** More /etc/hosts lines for the block (a registry, an external LB name...). */
  readonly prereqs_extra_hosts: readonly HostsEntry[];
}

export const defaults: PrereqsVars = {
  prereqs_sysctls: {
    // Both families: a dual-stack or IPv6 pod network silently drops forwarded v6 traffic otherwise.
    'net.ipv4.ip_forward': 1,
    'net.ipv6.conf.all.forwarding': 1,
    'net.bridge.bridge-nf-call-iptables': 1,
    'net.bridge.bridge-nf-call-ip6tables': 1,
  },
  prereqs_kernel_modules: ['br_netfilter', 'overlay'],
  prereqs_packages: {
    debian: ['conntrack', 'socat', 'ipset'],
    redhat: ['conntrack-tools', 'socat', 'ipset'],
  },
  prereqs_swap_off: true,
  prereqs_selinux: 'permissive',
  prereqs_etc_hosts: true,
  prereqs_hosts_domain: '',
  prereqs_extra_hosts: [],
};

const hostname = z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'expected a host name (letters, digits, dots, dashes)');
const octet = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IP = new RegExp(`^(${octet}(\\.${octet}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$`);
const address = z.string().regex(IP, 'expected an IPv4 or IPv6 address');
const SYSCTL_KEY = /^[a-zA-Z0-9_][a-zA-Z0-9_.\/-]*$/;
const packageName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9+._:-]*$/, 'expected a package name');

export const schema: z.ZodType<PrereqsVars> = z.object({
  prereqs_sysctls: z.record(z.string(), z.union([z.string(), z.number()])).superRefine((rec, ctx) => {
    // A custom issue rather than a key schema: zod reports a bad record key only as "Invalid key in record".
    for (const k of Object.keys(rec)) if (!SYSCTL_KEY.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: 'expected a sysctl key such as net.ipv4.ip_forward' });
  }),
  prereqs_kernel_modules: z.array(z.string().regex(/^[a-zA-Z0-9_-]+$/, 'expected a kernel module name')),
  prereqs_packages: z.object({ debian: z.array(packageName), redhat: z.array(packageName) }),
  prereqs_swap_off: z.boolean(),
  prereqs_selinux: z.enum(['permissive', 'keep']),
  prereqs_etc_hosts: z.boolean(),
  prereqs_hosts_domain: z.union([z.literal(''), hostname]),
  prereqs_extra_hosts: z.array(z.object({ address, names: z.array(hostname).min(1) })),
});

/** An inventory address that can go into /etc/hosts (DNS names and `localhost` cannot). */
export const isIpAddress = (a: string): boolean => address.safeParse(a).success;
