/**
 * flannel vars. The network is the topology's pod range (pod_cidr); `k8s_arch`, `k8s_artifacts` and
 * `container_runtime` (whose CNI dirs the gate asks) are cluster-wide, and so are `cni_bin_dir` and
 * `cni_conf_dir` (roles/cluster/cni-vars.ts: the runtime reads them too); the rest are prefixed `flannel_`.
 */
import { z } from 'zod';
import { cniDefaults, cniShape, type CniVars } from '../cluster/cni-vars.js';
import { artifactDefaults, artifactShape, runtimeChoiceDefaults, runtimeChoiceShape, type ArtifactVars, type RuntimeChoiceVars } from '../cluster/shared-vars.js';

export interface FlannelVars extends ArtifactVars, RuntimeChoiceVars, CniVars {
  readonly flannel_bin_dir: string;
  /** vxlan (default; UDP 8472, which firewalld opens), host-gw (one L2 segment), wireguard. */
  readonly flannel_backend: 'vxlan' | 'host-gw' | 'wireguard';
  readonly flannel_vxlan_vni: number;
  readonly flannel_vxlan_port: number;
  /** Size of each node's pod subnet (the controller-manager's --node-cidr-mask-size must agree). */
  readonly flannel_subnet_len: number;
  /** Masquerade pod traffic leaving the pod network. */
  readonly flannel_ip_masq: boolean;
  /** The interface to use between nodes ('' = the one with the default route). */
  readonly flannel_iface: string;
  /**
   * The credential flanneld talks to the API with. Default: the node's own kubelet.conf (system:node:<name>):
   * the Node authorizer lets it read nodes and patch its own Node, which is all the kube subnet manager does.
   */
  readonly flannel_kubeconfig: string;
}

export const defaults: FlannelVars = {
  ...artifactDefaults,
  ...runtimeChoiceDefaults,
  ...cniDefaults,
  flannel_bin_dir: '/usr/local/bin',
  flannel_backend: 'vxlan',
  flannel_vxlan_vni: 1,
  flannel_vxlan_port: 8472,
  flannel_subnet_len: 24,
  flannel_ip_masq: true,
  flannel_iface: '',
  flannel_kubeconfig: '/etc/kubernetes/kubelet.conf',
};

const absPath = z.string().regex(/^\/[^\s"'\\]*$/, 'expected an absolute path without spaces or quotes');

export const schema: z.ZodType<FlannelVars> = z.object({
  ...artifactShape,
  ...runtimeChoiceShape,
  ...cniShape,
  flannel_bin_dir: absPath,
  flannel_backend: z.enum(['vxlan', 'host-gw', 'wireguard']),
  flannel_vxlan_vni: z.number().int().min(1).max(16777215),
  flannel_vxlan_port: z.number().int().min(1).max(65535),
  flannel_subnet_len: z.number().int().min(8).max(30),
  flannel_ip_masq: z.boolean(),
  flannel_iface: z.union([z.literal(''), z.string().regex(/^[A-Za-z0-9_.:@-]{1,15}$/, 'expected an interface name such as eth0')]),
  flannel_kubeconfig: absPath,
});
