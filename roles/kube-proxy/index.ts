/**
 * kube-proxy: service routing on every host of the play.
 *
 * - the binary from the artifact table (Kubernetes server tarball);
 * - its kubeconfig from the cluster PKI (pkiFiles, node part: <k8s_config_dir>/kube-proxy.conf, client
 *   certificate CN system:kube-proxy, O system:node-proxier, which the default RBAC binds);
 * - /var/lib/kube-proxy/config.yaml (KubeProxyConfiguration: clusterCIDR = pod_cidr, mode iptables,
 *   hostnameOverride = inventory name, healthz 0.0.0.0:10256) and kube-proxy.service;
 * - a change to any of them restarts kube-proxy once, after the role;
 * - gate: http://127.0.0.1:10256/healthz answers 200.
 *
 * Vars: see vars.ts.
 */
import { defineRole, directory, restart, service, template, unit, type AnyResource, type Cluster, type Host } from '../../lib/index.js';
import { installBinaries } from '../cluster/artifacts-install.js';
import { resolveArtifact } from '../cluster/artifacts.js';
import { pathsFor, topology } from '../cluster/index.js';
import { pkiFiles } from '../pki/push.js';
import { configPath, kubeProxyConfigYaml, kubeProxyUnit } from './config.js';
import { healthzGate } from './gate.js';
import { CLUSTER_VARS } from '../cluster/shared-vars.js';
import { defaults, schema, type KubeProxyVars } from './vars.js';

export { defaults, schema, type KubeProxyVars } from './vars.js';

export const RESTART = 'restart kube-proxy';

/** Of the node's PKI share, only what kube-proxy reads: its kubeconfig (and the directories). */
function resources(v: KubeProxyVars, host: Host, cluster: Cluster): AnyResource[] {
  const podCidr = topology(cluster).podCidr;
  pathsFor(v, cluster);
  return [
    installBinaries(resolveArtifact('kubernetes', v.k8s_arch, v.k8s_artifacts), ['kube-proxy'], v.kube_proxy_bin_dir, { notify: RESTART }),
    ...pkiFiles(cluster, host, { roles: ['node'], notify: RESTART, only: (path) => path.endsWith('/kube-proxy.conf') }),
    directory({ path: v.kube_proxy_dir, mode: 0o755 }),
    template({ path: configPath(v), render: () => kubeProxyConfigYaml(v, host, podCidr), mode: 0o644, notify: RESTART }),
    unit({ name: 'kube-proxy.service', content: kubeProxyUnit(v), notify: RESTART }),
    service({ name: 'kube-proxy', enabled: true, state: 'started' }),
  ];
}

export default defineRole<KubeProxyVars>({
  name: 'kube-proxy',
  defaults,
  sharedVars: CLUSTER_VARS,
  schema,
  resources,
  handlers: () => ({ [RESTART]: restart('kube-proxy') }),
  verify: [healthzGate],
});
