/**
 * flannel: the pod network on every host of the play, flanneld as a host service in kube subnet
 * manager mode (see config.ts for why).
 *
 * - flanneld from the artifact table (flannel's release binary);
 * - /etc/kube-flannel/net-conf.json (Network = pod_cidr, SubnetLen, Backend: vxlan with VNI and port, host-gw, wireguard);
 * - the `flannel` CNI plugin (flannel-io/cni-plugin, artifact table row flannel-cni) in cni_bin_dir, and
 *   <cni_conf_dir>/10-flannel.conflist (flannel delegating to bridge, plus portmap): the dirs the runtime
 *   role set containerd's CRI plugin (or cri-dockerd) to read, where it put bridge, host-local, portmap;
 * - the kubeconfig it uses (default the node's kubelet.conf, from the cluster PKI);
 * - flanneld.service (Type=notify, NODE_NAME = inventory name); changes restart it once, after the role;
 * - gates: /run/flannel/subnet.env exists with FLANNEL_SUBNET inside pod_cidr; every plugin of every
 *   network config the runtime reads is an executable where the runtime looks (cni-gate.ts).
 *
 * Needs the API up, the kubelet registered and the controller-manager allocating node CIDRs; firewalld
 * opens what the backend needs between nodes (roles/cluster/pod-network.ts: VXLAN's UDP port, WireGuard's,
 * none for host-gw, which instead needs every node on one L2 segment: host-gw.ts checks the routes first).
 * Vars: see vars.ts.
 */
import { ConfigError, defineRole, directory, restart, service, template, unit, type AnyResource, type Cluster, type Host } from '../../lib/index.js';
import { installBinaries } from '../cluster/artifacts-install.js';
import { resolveArtifact } from '../cluster/artifacts.js';
import { checkCniVars } from '../cluster/cni-vars.js';
import { pathsFor, topology, type Topology } from '../cluster/index.js';
import { sameSegment } from './host-gw.js';
import { pkiFiles } from '../pki/push.js';
import { conflist, conflistPath, flannelEtcdPki, flanneldUnit, json, NET_CONF, netConf } from './config.js';
import { url } from '../etcd/members.js';
import { cniGate } from './cni-gate.js';
import { subnetGate } from './gate.js';
import { CLUSTER_VARS } from '../cluster/shared-vars.js';
import { defaults, kubeconfigOf, schema, type FlannelVars } from './vars.js';
import { clusterAddress } from '../cluster/cluster-address.js';

export { defaults, schema, type FlannelVars } from './vars.js';

export const RESTART = 'restart flanneld';

/**
 * Its credentials: the node's kubelet.conf when flanneld uses it (the kubelet role pushes the same file),
 * or with the etcd subnet manager its etcd client certificate and the etcd CA.
 */
function credentials(v: FlannelVars, cluster: Cluster, host: Host): AnyResource[] {
  const { kubeletConf } = pathsFor(v, cluster);
  if (v.flannel_subnet_manager === 'etcd') {
    const etcdDir = `${flannelEtcdPki(v).dir}/`;
    return pkiFiles(cluster, host, { roles: ['node'], notify: RESTART, only: (path) => path.startsWith(etcdDir) });
  }
  return kubeconfigOf(v) === kubeletConf ? pkiFiles(cluster, host, { roles: ['node'], notify: RESTART, only: (path) => path === kubeletConf }) : [];
}

/** The `flannel` CNI plugin, next to the standard ones the runtime role installed. */
const cniPlugin = (v: FlannelVars): AnyResource[] => [
  directory({ path: v.cni_bin_dir, mode: 0o755 }),
  installBinaries(resolveArtifact('flannel-cni', v.k8s_arch, v.k8s_artifacts), ['flannel'], v.cni_bin_dir),
];

/** The backend is cluster-wide (the firewall opens its port from the global vars): a role-scoped value would differ. */
function checkBackend(v: FlannelVars, t: Topology): void {
  for (const key of ['flannel_backend', 'flannel_vxlan_port', 'flannel_subnet_manager', 'flannel_etcd_prefix'] as const) {
    if (v[key] !== t.podNetwork[key])
      throw new ConfigError(
        `${key} ${JSON.stringify(v[key])} for flannel only, but the cluster's is ${JSON.stringify(t.podNetwork[key])} (firewalld opens its port from it): set ${key} once, in the inventory's global vars`,
        `vars.${key}`,
      );
  }
}

/** The etcd members' client URLs (the etcd subnet manager's endpoints). */
const etcdEndpoints = (v: FlannelVars, t: Topology): string[] =>
  v.flannel_subnet_manager === 'etcd' ? t.hosts.etcd.map((h) => url(clusterAddress(h), t.etcdClientPort)) : [];

function resources(v: FlannelVars, host: Host, cluster: Cluster): AnyResource[] {
  checkCniVars(host);
  const t = topology(cluster);
  checkBackend(v, t);
  const podCidr = t.podCidr;
  return [
    ...(v.flannel_backend === 'host-gw' ? [sameSegment(host, t.hosts.nodes)] : []),
    installBinaries(resolveArtifact('flannel', v.k8s_arch, v.k8s_artifacts), ['flanneld'], v.flannel_bin_dir, { notify: RESTART }),
    ...credentials(v, cluster, host),
    directory({ path: '/etc/kube-flannel', mode: 0o755 }),
    // With the etcd subnet manager flanneld reads the copy in etcd; this one is then the record whose change restarts it.
    template({ path: NET_CONF, render: () => json(netConf(v, podCidr)), mode: 0o644, notify: RESTART }),
    ...cniPlugin(v),
    directory({ path: v.cni_conf_dir, mode: 0o755 }),
    template({ path: conflistPath(v), render: () => json(conflist()), mode: 0o644 }),
    unit({ name: 'flanneld.service', content: flanneldUnit(v, host, etcdEndpoints(v, t)), notify: RESTART }),
    service({ name: 'flanneld', enabled: true, state: 'started' }),
  ];
}

export default defineRole<FlannelVars>({
  name: 'flannel',
  defaults,
  sharedVars: CLUSTER_VARS,
  schema,
  resources,
  handlers: () => ({ [RESTART]: restart('flanneld') }),
  verify: [subnetGate, cniGate],
});
