/**
 * The air-gapped path of static-pods mode: for each image whose `control_plane_images.<c>.archive` is set,
 * the archive is fetched once on the controller, verified (sha256), cached like every artifact (k8s_cache_dir
 * or TSPLAY_CACHE) and pushed to the host, then imported into containerd's k8s.io namespace (the CRI's), unless
 * containerd already holds that name at that digest. Without an archive the runtime pulls the pinned image.
 */
import { artifact, command, type AnyResource } from '../../lib/index.js';
import type { ResolvedImage } from './images.js';

export const IMAGE_DIR = '/var/lib/tsplay/images';

export const archivePath = (i: ResolvedImage): string => `${IMAGE_DIR}/${i.component}.tar`;

/** Exits 0 when containerd's k8s.io namespace has repository:tag pointing at the digest. */
export const imagePresent = (i: ResolvedImage): string =>
  `ctr -n k8s.io images ls name==${i.repository}:${i.tag} | awk 'NR>1 {print $3}' | grep -qx ${i.digest}`;

export function imageImports(o: { images: readonly ResolvedImage[]; cacheDir: string }): AnyResource[] {
  return o.images.flatMap((i) => {
    if (!i.archive) return [];
    const path = archivePath(i);
    return [
      artifact({
        url: i.archive.url,
        sha256: i.archive.sha256,
        path,
        mode: 0o644,
        owner: 'root',
        tags: [i.component],
        ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}),
      }),
      command({
        name: `import ${i.ref}`,
        command: `ctr -n k8s.io images import --all-platforms ${path} && ${imagePresent(i)}`,
        unless: imagePresent(i),
        reads: [`path:${path}`],
        tags: [i.component],
      }),
    ];
  });
}
