/**
 * kubelet vars. `container_runtime`, `cgroup_driver`, `k8s_arch` and `k8s_artifacts` are cluster-wide (roles/cluster/shared-vars.ts)
 * (the runtime role reads the same names); the cluster DNS IP and domain come from the topology
 * (cluster_dns, cluster_domain, service_cidr); the rest are prefixed `kubelet_`.
 */
import { z } from 'zod';
import { artifactDefaults, artifactShape, runtimeChoiceDefaults, runtimeChoiceShape, type ArtifactVars, type RuntimeChoiceVars } from '../cluster/shared-vars.js';

export interface KubeletVars extends RuntimeChoiceVars, ArtifactVars {
  readonly kubelet_bin_dir: string;
  /** The kubelet's state directory; config.yaml goes in it. */
  readonly kubelet_root_dir: string;
  /** CRI socket; '' = the runtime's (containerd's, or cri-dockerd's with docker). */
  readonly kubelet_runtime_endpoint: string;
  readonly kubelet_max_pods: number;
  /** The resolv.conf pods inherit (/run/systemd/resolve/resolv.conf on hosts with systemd-resolved). */
  readonly kubelet_resolv_conf: string;
  /** Refuse to start with swap on (prereqs turns it off). */
  readonly kubelet_fail_swap_on: boolean;
  readonly kubelet_healthz_port: number;
  /** Labels the node registers with (--node-labels). */
  readonly kubelet_node_labels: Readonly<Record<string, string>>;
  /** More KubeletConfiguration fields, merged over the managed ones (evictionHard, systemReserved, ...). */
  readonly kubelet_extra_config: Readonly<Record<string, unknown>>;
}

export const defaults: KubeletVars = {
  ...runtimeChoiceDefaults,
  ...artifactDefaults,
  kubelet_bin_dir: '/usr/local/bin',
  kubelet_root_dir: '/var/lib/kubelet',
  kubelet_runtime_endpoint: '',
  kubelet_max_pods: 110,
  kubelet_resolv_conf: '/etc/resolv.conf',
  kubelet_fail_swap_on: true,
  kubelet_healthz_port: 10248,
  kubelet_node_labels: {},
  kubelet_extra_config: {},
};

const absPath = z.string().regex(/^\/[^\s"'\\]*$/, 'expected an absolute path without spaces or quotes');
// A label key: optional DNS prefix, then a name; a value: up to 63 of [A-Za-z0-9._-] (Kubernetes' rules).
const labelKey = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const labelValue = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

export const schema: z.ZodType<KubeletVars> = z.object({
  ...runtimeChoiceShape,
  ...artifactShape,
  kubelet_bin_dir: absPath,
  kubelet_root_dir: absPath,
  kubelet_runtime_endpoint: z.union([z.literal(''), z.string().regex(/^(unix|npipe|tcp):\/\/\S+$/, 'expected a CRI endpoint such as unix:///run/containerd/containerd.sock')]),
  kubelet_max_pods: z.number().int().min(1).max(10000),
  kubelet_resolv_conf: z.union([z.literal(''), absPath]),
  kubelet_fail_swap_on: z.boolean(),
  kubelet_healthz_port: z.number().int().min(1).max(65535),
  kubelet_node_labels: z.record(z.string(), z.string()).superRefine((rec, ctx) => {
    for (const [k, v] of Object.entries(rec)) {
      if (!labelKey.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: 'expected a label key such as node-role.kubernetes.io/worker' });
      else if (!labelValue.test(v)) ctx.addIssue({ code: 'custom', path: [k], message: 'expected a label value: up to 63 letters, digits, - _ .' });
    }
  }),
  kubelet_extra_config: z.record(z.string(), z.unknown()),
});
