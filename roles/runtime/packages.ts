/**
 * The runtime's packages, named per OS family, at the versions pinned in runtime_package_versions; on the
 * RHEL family first Docker's signed repository, which provides containerd.io and docker-ce there (the
 * family ships neither). Nothing when both lists are empty (installed by other means).
 */
import { ConfigError, pkg, repository, type AnyResource } from '../../lib/index.js';
import { DOCKER_RPM_KEY } from './docker-rpm-key.js';
import type { FamilyPackages, RuntimeVars } from './vars.js';

export const DOCKER_REPO = 'docker-ce-stable';

export function packages(names: FamilyPackages, v: RuntimeVars): AnyResource[] {
  const all = [...names.debian, ...names.redhat];
  // A pin for a package this runtime does not install would be ignored in silence.
  for (const p of Object.keys(v.runtime_package_versions)) {
    if (!all.includes(p))
      throw new ConfigError(
        `pins ${p}, which the ${v.container_runtime} runtime does not install (it installs ${[...new Set(all)].join(', ') || 'nothing'})`,
        `vars.runtime_package_versions.${p}`,
      );
  }
  if (all.length === 0) return [];
  const repo =
    v.runtime_docker_repo && names.redhat.length
      ? [repository({ name: DOCKER_REPO, key: DOCKER_RPM_KEY, dnf: { baseurl: v.runtime_docker_repo_baseurl, description: 'Docker CE Stable' } })]
      : [];
  const versions = v.runtime_package_versions;
  return [...repo, pkg({ names, ...(Object.keys(versions).length ? { versions } : {}) })];
}
