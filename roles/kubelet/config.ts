/**
 * /var/lib/kubelet/config.yaml: the KubeletConfiguration (kubelet.config.k8s.io/v1beta1), rendered from
 * a typed object. What the anchors agree on:
 * - authentication by client certificate against the cluster CA, plus webhook (TokenReview); no anonymous;
 *   authorization by webhook (SubjectAccessReview): the apiserver decides who may exec, read logs, ...;
 * - the serving certificate is the node's own (CN system:node:<name>) from the cluster PKI, not a
 *   self-signed one, so the apiserver can verify the kubelet;
 * - the read-only port off; healthz on loopback only (127.0.0.1:10248);
 * - clusterDNS / clusterDomain from the topology; the cgroup driver and CRI endpoint matching the runtime.
 */
import { stringify } from 'yaml';
import { CRI_SOCKETS, k8sPaths } from '../cluster/index.js';
import type { KubeletVars } from './vars.js';

export interface ClusterBits {
  readonly clusterDns: string;
  readonly domain: string;
  /** The manifests directory on control-plane hosts in static-pods mode (control_plane_mode). */
  readonly staticPodPath?: string;
}

/** The CRI endpoint: the var, or the runtime's socket (cri-dockerd's with docker). */
export const runtimeEndpoint = (v: KubeletVars): string => v.kubelet_runtime_endpoint || `unix://${CRI_SOCKETS[v.container_runtime]}`;

export const configPath = (v: KubeletVars): string => `${v.kubelet_root_dir.replace(/\/$/, '')}/config.yaml`;

export function kubeletConfiguration(v: KubeletVars, c: ClusterBits): Record<string, unknown> {
  const PKI = k8sPaths(v.k8s_config_dir).pki;
  return {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: '0.0.0.0',
    port: 10250,
    readOnlyPort: 0,
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true, cacheTTL: '2m0s' },
      x509: { clientCAFile: `${PKI}/ca.crt` },
    },
    authorization: { mode: 'Webhook', webhook: { cacheAuthorizedTTL: '5m0s', cacheUnauthorizedTTL: '30s' } },
    cgroupDriver: v.cgroup_driver,
    containerRuntimeEndpoint: runtimeEndpoint(v),
    clusterDNS: [c.clusterDns],
    clusterDomain: c.domain,
    failSwapOn: v.kubelet_fail_swap_on,
    healthzBindAddress: '127.0.0.1',
    healthzPort: v.kubelet_healthz_port,
    maxPods: v.kubelet_max_pods,
    ...(v.kubelet_resolv_conf ? { resolvConf: v.kubelet_resolv_conf } : {}),
    // Certificates come from the cluster PKI (re-issued by the next run), not from CSR rotation.
    rotateCertificates: false,
    serverTLSBootstrap: false,
    ...(c.staticPodPath ? { staticPodPath: c.staticPodPath } : {}),
    tlsCertFile: `${PKI}/kubelet.crt`,
    tlsPrivateKeyFile: `${PKI}/kubelet.key`,
    ...v.kubelet_extra_config,
  };
}

export const kubeletConfigYaml = (v: KubeletVars, c: ClusterBits): string =>
  `# Managed by tsplay (role kubelet); edits here are overwritten.\n${stringify(kubeletConfiguration(v, c))}`;
