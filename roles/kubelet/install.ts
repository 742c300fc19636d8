/**
 * The kubelet binary from the artifact table's Kubernetes server tarball (fetched and checksum-verified
 * once on the controller, only the kubelet extracted and pushed). This role writes
 * containerRuntimeEndpoint in the KubeletConfiguration, a field of Kubernetes 1.27 and later: an older
 * version is refused before any host is touched.
 */
import { ConfigError, type AnyResource } from '../../lib/index.js';
import { installBinaries } from '../cluster/artifacts-install.js';
import { resolveArtifact } from '../cluster/artifacts.js';
import type { KubeletVars } from './vars.js';

export const RESTART = 'restart kubelet';

export function kubeletBinary(v: KubeletVars): AnyResource {
  const k8s = resolveArtifact('kubernetes', v.k8s_arch, v.k8s_artifacts);
  const m = /^v?(\d+)\.(\d+)\./.exec(k8s.version);
  if (m && Number(m[1]) === 1 && Number(m[2]) < 27) {
    throw new ConfigError(
      `Kubernetes ${k8s.version} is older than 1.27, whose kubelet reads containerRuntimeEndpoint from its config file`,
      'vars.k8s_artifacts.kubernetes.version',
    );
  }
  return installBinaries(k8s, ['kubelet'], v.kubelet_bin_dir, { notify: RESTART });
}
