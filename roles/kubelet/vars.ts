/**
 * kubelet vars. `container_runtime`, `cgroup_driver`, `k8s_arch` and `k8s_artifacts` are cluster-wide (roles/cluster/shared-vars.ts)
 * (the runtime role reads the same names); the cluster DNS IP and domain come from the topology
 * (cluster_dns, cluster_domain, service_cidr); the rest are prefixed `kubelet_`.
 */
import { z } from 'zod';
import { absPath, declareVars, orEmpty, port, type VarsOf } from '../../lib/index.js';
import { configDirShape } from '../cluster/config-dir.js';
import { artifactVarShape, runtimeChoiceVarShape } from '../cluster/shared-vars.js';

// A label key: optional DNS prefix, then a name; a value: up to 63 of [A-Za-z0-9._-] (Kubernetes' rules).
const labelKey = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const labelValue = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const labels = z.record(z.string(), z.string()).superRefine((rec, ctx) => {
  for (const [k, v] of Object.entries(rec)) {
    if (!labelKey.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: 'expected a label key such as node-role.kubernetes.io/worker' });
    else if (!labelValue.test(v)) ctx.addIssue({ code: 'custom', path: [k], message: 'expected a label value: up to 63 letters, digits, - _ .' });
  }
});

export const vars = declareVars(
  z.object({
    ...runtimeChoiceVarShape,
    ...configDirShape,
    ...artifactVarShape,
    kubelet_bin_dir: absPath.default('/usr/local/bin').describe('where the kubelet binary lands'),
    kubelet_root_dir: absPath.default('/var/lib/kubelet').describe("the kubelet's state directory; config.yaml goes in it"),
    kubelet_runtime_endpoint: orEmpty(z.string().regex(/^(unix|npipe|tcp):\/\/\S+$/, 'expected a CRI endpoint such as unix:///run/containerd/containerd.sock'))
      .default('')
      .describe("CRI socket; '' = the runtime's (containerd's, or cri-dockerd's with docker)"),
    kubelet_max_pods: z.number().int().min(1).max(10000).default(110).describe('pods per node'),
    kubelet_resolv_conf: z
      .union([z.literal(''), absPath])
      .default('/etc/resolv.conf')
      .describe('the resolv.conf pods inherit (/run/systemd/resolve/resolv.conf on hosts with systemd-resolved)'),
    kubelet_fail_swap_on: z.boolean().default(true).describe('refuse to start with swap on (prereqs turns it off)'),
    kubelet_healthz_port: port.default(10248).describe("the kubelet's loopback /healthz port"),
    kubelet_node_labels: labels.default({}).describe('labels the node registers with (--node-labels)'),
    kubelet_extra_config: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('more KubeletConfiguration fields, merged over the managed ones (evictionHard, systemReserved, ...)'),
  }),
);

export type KubeletVars = VarsOf<typeof vars>;
export const { defaults, schema } = vars;
