/**
 * flannel vars. The network is the topology's pod range (pod_cidr); `k8s_arch`, `k8s_artifacts` and
 * `container_runtime` (whose CNI dirs the gate asks) are cluster-wide, and so are `cni_bin_dir` and
 * `cni_conf_dir` (roles/cluster/cni-vars.ts: the runtime reads them too); the rest are prefixed `flannel_`.
 */
import { z } from 'zod';
import { absPath, declareVars, orEmpty, type VarsOf } from '../../lib/index.js';
import { cniVarShape } from '../cluster/cni-vars.js';
import { configDirShape, k8sPaths } from '../cluster/config-dir.js';
import { podNetworkShape } from '../cluster/pod-network.js';
import { artifactVarShape, runtimeChoiceVarShape } from '../cluster/shared-vars.js';

export const vars = declareVars(
  z.object({
    ...artifactVarShape,
    ...runtimeChoiceVarShape,
    ...cniVarShape,
    flannel_bin_dir: absPath.default('/usr/local/bin').describe('where flanneld lands'),
    ...podNetworkShape,
    ...configDirShape,
    flannel_vxlan_vni: z.number().int().min(1).max(16777215).default(1).describe('the VXLAN network id'),
    flannel_subnet_len: z
      .number()
      .int()
      .min(8)
      .max(30)
      .default(24)
      .describe("size of each node's pod subnet (the controller-manager's --node-cidr-mask-size must agree)"),
    flannel_ip_masq: z.boolean().default(true).describe('masquerade pod traffic leaving the pod network'),
    flannel_iface: z
      .union([z.literal(''), z.string().regex(/^[A-Za-z0-9_.:@-]{1,15}$/, 'expected an interface name such as eth0')])
      .default('')
      .describe("the interface to use between nodes ('' = the one holding the host's own cluster_address, else the default route's)"),
    // The Node authorizer lets system:node:<name> read nodes and patch its own Node: all the kube subnet manager does.
    flannel_kubeconfig: orEmpty(absPath)
      .default('')
      .describe("the credential flanneld talks to the API with ('' = the node's own <k8s_config_dir>/kubelet.conf)"),
  }),
);

export type FlannelVars = VarsOf<typeof vars>;

/** The kubeconfig flanneld uses: its own, or the node's kubelet.conf. */
export const kubeconfigOf = (v: FlannelVars): string => v.flannel_kubeconfig || k8sPaths(v.k8s_config_dir).kubeletConf;
export const { defaults, schema } = vars;
