/**
 * Kubernetes nodes: the container runtime, kubelet, kube-proxy and flannel on every worker.
 *
 *   tsplay run playbooks/nodes.ts -i inventory/lab-cluster.ts
 *
 * Needs the control plane up (the kubelet registers with the API, flannel reads its subnet from the
 * node's podCIDR) and the cluster PKI (issued on the controller in the same run, pki_dir).
 */
import { definePlaybook } from '../lib/index.js';
import flannel from '../roles/flannel/index.js';
import kubeProxy from '../roles/kube-proxy/index.js';
import kubelet from '../roles/kubelet/index.js';
import runtime from '../roles/runtime/index.js';

export default definePlaybook({
  name: 'nodes',
  plays: [{ name: 'kubernetes nodes', hosts: 'workers', roles: [runtime, kubelet, kubeProxy, flannel] }],
});
