/**
 * flannel: the pod network on every host of the play, flanneld as a host service in kube subnet
 * manager mode (see config.ts for why).
 *
 * - flanneld from the artifact table (flannel's release binary);
 * - /etc/kube-flannel/net-conf.json (Network = pod_cidr, SubnetLen, Backend vxlan with VNI and port);
 * - /etc/cni/net.d/10-flannel.conflist (flannel delegating to bridge, plus portmap), which the runtime
 *   (containerd's CRI plugin or cri-dockerd) reads; and, if given, the `flannel` CNI plugin binary;
 * - the kubeconfig it uses (default the node's kubelet.conf, from the cluster PKI);
 * - flanneld.service (Type=notify, NODE_NAME = inventory name); changes restart it once, after the role;
 * - gate: /run/flannel/subnet.env exists with FLANNEL_SUBNET inside pod_cidr.
 *
 * Needs the API up, the kubelet registered and the controller-manager allocating node CIDRs; firewalld
 * must let UDP 8472 through between nodes. Vars: see vars.ts.
 */
import { artifact, defineRole, directory, restart, service, template, unit, type AnyResource, type Cluster, type Host } from '../../lib/index.js';
import { installBinaries } from '../cluster/artifacts-install.js';
import { resolveArtifact } from '../cluster/artifacts.js';
import { topology } from '../cluster/index.js';
import { pkiFiles } from '../pki/push.js';
import { conflist, conflistPath, flanneldUnit, json, NET_CONF, netConf } from './config.js';
import { subnetGate } from './gate.js';
import { defaults, schema, type FlannelVars } from './vars.js';

export { defaults, schema, type FlannelVars } from './vars.js';

export const RESTART = 'restart flanneld';
const KUBELET_CONF = '/etc/kubernetes/kubelet.conf';

/** The node's kubelet.conf when flanneld uses it (the kubelet role pushes the same file). */
const kubeconfig = (v: FlannelVars, cluster: Cluster, host: Host): AnyResource[] =>
  v.flannel_kubeconfig === KUBELET_CONF ? pkiFiles(cluster, host, { roles: ['node'], notify: RESTART, only: (path) => path === KUBELET_CONF }) : [];

const cniPlugin = (v: FlannelVars): AnyResource[] =>
  v.flannel_cni_plugin ? [artifact({ url: v.flannel_cni_plugin.url, sha256: v.flannel_cni_plugin.sha256, path: `${v.flannel_cni_bin_dir.replace(/\/$/, '')}/flannel`, mode: 0o755, owner: 'root' })] : [];

function resources(v: FlannelVars, host: Host, cluster: Cluster): AnyResource[] {
  const podCidr = topology(cluster).podCidr;
  return [
    installBinaries(resolveArtifact('flannel', v.k8s_arch, v.k8s_artifacts), ['flanneld'], v.flannel_bin_dir, { notify: RESTART }),
    ...kubeconfig(v, cluster, host),
    directory({ path: '/etc/kube-flannel', mode: 0o755 }),
    template({ path: NET_CONF, render: () => json(netConf(v, podCidr)), mode: 0o644, notify: RESTART }),
    directory({ path: v.flannel_cni_conf_dir, mode: 0o755 }),
    template({ path: conflistPath(v), render: () => json(conflist()), mode: 0o644 }),
    ...cniPlugin(v),
    unit({ name: 'flanneld.service', content: flanneldUnit(v, host), notify: RESTART }),
    service({ name: 'flanneld', enabled: true, state: 'started' }),
  ];
}

export default defineRole<FlannelVars>({
  name: 'flannel',
  defaults,
  schema,
  resources,
  handlers: () => ({ [RESTART]: restart('flanneld') }),
  verify: [subnetGate],
});
