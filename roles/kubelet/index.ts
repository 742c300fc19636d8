/**
 * kubelet: the node agent on every host of the play.
 *
 * - the binary from the artifact table (Kubernetes server tarball; file:// mirrors and stand-ins via
 *   k8s_artifacts);
 * - its share of the cluster PKI (pkiFiles, node part): <k8s_config_dir>/pki/ca.crt, pki/kubelet.{crt,key}
 *   (CN system:node:<name>, O system:nodes) and <k8s_config_dir>/kubelet.conf;
 * - /var/lib/kubelet/config.yaml (config.ts) and kubelet.service (unit.ts: --hostname-override = inventory
 *   name, --node-ip = inventory address);
 * - a change to any of them restarts the kubelet once, after the role;
 * - gate: http://127.0.0.1:10248/healthz answers ok;
 * - control_plane_mode static-pods: on control-plane hosts, staticPodPath = <k8s_config_dir>/manifests (the
 *   apiserver role writes the manifests there). The apiserver role builds these same resources on those hosts
 *   first (kubeletResources), so the kubelet runs before its static pods are due; this role then finds them
 *   converged.
 *
 * The runtime role must run first (the kubelet needs its CRI socket). Vars: see vars.ts.
 */
import { ConfigError, defineRole, directory, restart, service, template, unit, type AnyResource, type Cluster, type Host } from '../../lib/index.js';
import { controlPlaneOf, pathsFor, staticPodDir, topology } from '../cluster/index.js';
import { pkiFiles } from '../pki/push.js';
import { configPath, kubeletConfigYaml } from './config.js';
import { healthzGate } from './gate.js';
import { kubeletBinary, RESTART } from './install.js';
import { kubeletUnit } from './unit.js';
import { CLUSTER_VARS } from '../cluster/shared-vars.js';
import { defaults, schema, type KubeletVars } from './vars.js';
import { clusterAddress } from '../cluster/cluster-address.js';

export { defaults, schema, type KubeletVars } from './vars.js';
export { RESTART } from './install.js';
export { healthzCommand } from './gate.js';
export { kubeletVarsOn } from './vars-on.js';

const IP = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/;

/** --node-ip takes an IP address: the inventory address must be one. */
function nodeIp(host: Host): void {
  const address = clusterAddress(host);
  if (!IP.test(address))
    throw new ConfigError(
      `the kubelet registers the node with its cluster address (--node-ip), which must be an IP address, got "${address}" (set cluster_address to the node's IP)`,
      `hosts.${host.name}.address`,
    );
}

/** The staticPodPath the kubelet on `host` reads: control-plane hosts in static-pods mode only. */
export function staticPodPathOn(host: Host, cluster: Cluster): string | undefined {
  const t = topology(cluster);
  if (controlPlaneOf(cluster).mode !== 'static-pods' || !t.hosts.controlPlane.some((h) => h.name === host.name)) return undefined;
  return staticPodDir(t.paths.dir);
}

/**
 * The kubelet's resources on a host; `only` leaves out PKI files another role of the same host pushes (the
 * apiserver role, which builds these in static-pods mode, pushes ca.crt itself).
 */
export function kubeletResources(v: KubeletVars, host: Host, cluster: Cluster, only: (path: string) => boolean = () => true): AnyResource[] {
  nodeIp(host);
  const t = topology(cluster);
  pathsFor(v, cluster);
  // The node's PKI share, less kube-proxy's kubeconfig (the kube-proxy role pushes that one).
  const pki = pkiFiles(cluster, host, { roles: ['node'], notify: RESTART, only: (path) => !path.endsWith('/kube-proxy.conf') && only(path) });
  const staticPodPath = staticPodPathOn(host, cluster);
  return [
    kubeletBinary(v),
    ...pki,
    directory({ path: v.kubelet_root_dir, mode: 0o700 }),
    template({
      path: configPath(v),
      render: () => kubeletConfigYaml(v, { clusterDns: t.clusterDns, domain: t.domain, ...(staticPodPath ? { staticPodPath } : {}) }),
      mode: 0o644,
      notify: RESTART,
    }),
    unit({ name: 'kubelet.service', content: kubeletUnit(v, host), notify: RESTART }),
    service({ name: 'kubelet', enabled: true, state: 'started' }),
  ];
}

export default defineRole<KubeletVars>({
  name: 'kubelet',
  defaults,
  sharedVars: CLUSTER_VARS,
  schema,
  resources: (v, host, cluster) => kubeletResources(v, host, cluster),
  handlers: () => ({ [RESTART]: restart('kubelet') }),
  verify: [healthzGate],
});
