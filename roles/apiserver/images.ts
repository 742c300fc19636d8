/**
 * The control plane's container images for static-pods mode, pinned by digest: registry.k8s.io/<component>
 * at the tag of the artifact table's kubernetes row (v<version>), so the pods run the release the units
 * would. A static pod names its image as `repository:tag@sha256:...`: the runtime pulls (or finds) exactly
 * that manifest, whatever the tag points at later.
 *
 * Where each digest came from (a digest not found in a published source is not in the table):
 * - v1.34.1 (manifest-list digests): randomcoww/homelab, its renovate-pinned `container_images` table
 *   (kube_apiserver, kube_controller_manager, kube_scheduler). A third-party pin, as flannel's is in
 *   roles/cluster/artifacts.ts.
 * - v1.34.7 (the artifact table's release): NO digest. The Kubernetes CHANGELOG lists the images but not
 *   their digests, and none was found in a source readable here. Until one is added, static-pods mode is
 *   refused before any host is touched, asking for `control_plane_images.<component>.digest` (read it with
 *   `crane digest registry.k8s.io/kube-apiserver:v1.34.7` or `skopeo inspect`).
 *
 * `control_plane_images` (roles/cluster/control-plane-mode.ts) overrides repository, tag and digest per
 * component, and names an image archive for the air-gapped path (images-import.ts).
 */
import { ConfigError } from '../../lib/index.js';
import type { Arch, ArtifactOverrides } from '../cluster/artifacts.js';
import { resolveArtifact } from '../cluster/artifacts.js';
import type { ImageOverride, StaticPodComponent } from '../cluster/index.js';

export const IMAGE_REGISTRY = 'registry.k8s.io';

/** Digests per release version, per component. */
export const IMAGE_DIGESTS: Readonly<Record<string, Readonly<Record<StaticPodComponent, string>>>> = {
  '1.34.1': {
    'kube-apiserver': 'sha256:b9d7c117f8ac52bed4b13aeed973dc5198f9d93a926e6fe9e0b384f155baa902',
    'kube-controller-manager': 'sha256:2bf47c1b01f51e8963bf2327390883c9fa4ed03ea1b284500a2cba17ce303e89',
    'kube-scheduler': 'sha256:6e9fbc4e25a576483e6a233976353a66e4d77eb5d0530e9118e94b7d46fb3500',
  },
};

export interface ResolvedImage {
  readonly component: StaticPodComponent;
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  /** repository:tag@digest, what the manifest names. */
  readonly ref: string;
  readonly archive?: { readonly url: string; readonly sha256: string };
}

/** The image of a component: the table's at the cluster's Kubernetes version, with the inventory's override. */
export function resolveImage(o: {
  readonly component: StaticPodComponent;
  readonly arch: Arch;
  readonly artifacts: ArtifactOverrides;
  readonly override: ImageOverride | undefined;
}): ResolvedImage {
  const version = resolveArtifact('kubernetes', o.arch, o.artifacts).version.replace(/^v/, '');
  const over = o.override ?? {};
  const repository = over.repository ?? `${IMAGE_REGISTRY}/${o.component}`;
  const tag = over.tag ?? `v${version}`;
  const changed = over.repository !== undefined || over.tag !== undefined;
  const digest = over.digest ?? (changed ? undefined : IMAGE_DIGESTS[version]?.[o.component]);
  if (!digest)
    throw new ConfigError(
      changed
        ? `a changed image (${repository}:${tag}) needs its digest: set control_plane_images['${o.component}'].digest`
        : `the image table has no digest for ${repository}:${tag} (Kubernetes ${version}): static pods run an image pinned by digest; set control_plane_images['${o.component}'].digest (crane digest ${repository}:${tag})`,
      `vars.control_plane_images.${o.component}.digest`,
    );
  return { component: o.component, repository, tag, digest, ref: `${repository}:${tag}@${digest}`, ...(over.archive ? { archive: over.archive } : {}) };
}
