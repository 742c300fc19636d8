/** The version an upgrade goes to: the kubernetes row of the artifact table with the inventory's override. */
import { ConfigError } from '../../lib/index.js';
import { resolveArtifact } from '../cluster/artifacts.js';
import { parseVersion, type Version } from './version.js';
import type { UpgradeVars } from './vars.js';

// Generic: any vars holding the two (the gate's, the roles' own).
export function targetOf<V extends Pick<UpgradeVars, 'k8s_arch' | 'k8s_artifacts'>>(v: V): Version {
  const { version } = resolveArtifact('kubernetes', v.k8s_arch, v.k8s_artifacts);
  const t = parseVersion(version);
  if (!t) throw new ConfigError(`"${version}" is not a Kubernetes version x.y.z`, 'vars.k8s_artifacts.kubernetes.version');
  return t;
}
