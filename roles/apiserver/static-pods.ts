/**
 * static-pods mode on one control-plane host: what the role builds instead of binaries, units and
 * services. In order: the control-plane PKI share, the kubelet's own resources (the same the kubelet role
 * builds, staticPodPath set: the kubelet must run before its pods are due, and site.ts runs the nodes play
 * after the control plane), the scheduler's config, the images (imported from archives when the
 * inventory names them), then one `static-pod:<c>` per component (modes.ts). Handlers: the kubelet's
 * restart, the moves onto the static pods, and each component's restart (its manifest aside and back).
 */
import { type AnyResource, type Cluster, type Handler, type Host, restart } from '../../lib/index.js';
import { controlPlaneOf, staticPodDir, topology } from '../cluster/index.js';
import { kubeletResources, kubeletVarsOn, RESTART as RESTART_KUBELET } from '../kubelet/index.js';
import type { Flags } from './flags.js';
import { restartOf } from './handlers.js';
import { resolveImage, type ResolvedImage } from './images.js';
import { imageImports } from './images-import.js';
import { manifestYaml } from './manifests.js';
import { bounceHandler, placeHandler, placeOf, staticPod } from './modes.js';
import { controlPlanePki, pkiPathsOf } from './pki.js';
import { COMPONENTS, type ControlPlaneComponent } from './units.js';
import type { ApiserverVars } from './vars.js';

/** The kubelet's staticPodPath (the cluster's config dir + /manifests). */
export const manifestDirOf = (cluster: Cluster): string => staticPodDir(topology(cluster).paths.dir);

export interface StaticPodsInput {
  readonly v: ApiserverVars;
  readonly host: Host;
  readonly cluster: Cluster;
  readonly flags: Record<ControlPlaneComponent, Flags>;
}

export function imagesOf(i: Pick<StaticPodsInput, 'v' | 'cluster'>): Record<ControlPlaneComponent, ResolvedImage> {
  const over = controlPlaneOf(i.cluster).images;
  const one = (c: ControlPlaneComponent) => resolveImage({ component: c, arch: i.v.k8s_arch, artifacts: i.v.k8s_artifacts, override: over[c] });
  return { 'kube-apiserver': one('kube-apiserver'), 'kube-controller-manager': one('kube-controller-manager'), 'kube-scheduler': one('kube-scheduler') };
}

function manifests(i: StaticPodsInput): Record<ControlPlaneComponent, string> {
  const images = imagesOf(i);
  const configDir = topology(i.cluster).paths.dir;
  const one = (c: ControlPlaneComponent) =>
    manifestYaml({ component: c, flags: i.flags[c], image: images[c], configDir, anonymousAuth: i.v.apiserver_anonymous_auth });
  return { 'kube-apiserver': one('kube-apiserver'), 'kube-controller-manager': one('kube-controller-manager'), 'kube-scheduler': one('kube-scheduler') };
}

export function staticPodResources(i: StaticPodsInput & { readonly schedulerConfig: AnyResource }): AnyResource[] {
  const manifestDir = manifestDirOf(i.cluster);
  const node = pkiPathsOf(i.cluster, i.host, 'node');
  // The files both shares hold (ca.crt, the config and pki directories) are pushed once, with the control
  // plane's, and restart the kubelet too.
  const pki = controlPlanePki(i.v, i.host, i.cluster, (path) => (node.has(path) ? [RESTART_KUBELET] : []));
  const pushed = new Set(pki.map((r) => r.id));
  const kubelet = kubeletResources(kubeletVarsOn(i.host), i.host, i.cluster).filter((r) => !pushed.has(r.id));
  const content = manifests(i);
  return [
    ...pki,
    ...kubelet,
    i.schedulerConfig,
    ...imageImports({ images: Object.values(imagesOf(i)), cacheDir: i.v.k8s_cache_dir }),
    ...COMPONENTS.map((c) => staticPod({ component: c, manifestDir, content: content[c], tags: [c] })),
  ];
}

export function staticPodHandlers(i: StaticPodsInput): Record<string, Handler> {
  const manifestDir = manifestDirOf(i.cluster);
  const content = manifests(i);
  return {
    [RESTART_KUBELET]: restart('kubelet'),
    ...Object.fromEntries(
      COMPONENTS.map((c) => [placeOf(c), placeHandler({ component: c, manifestDir, content: content[c], port: Number(i.flags[c]['secure-port']) })]),
    ),
    ...Object.fromEntries(COMPONENTS.map((c) => [restartOf(c), bounceHandler({ component: c, manifestDir, port: Number(i.flags[c]['secure-port']) })])),
  };
}
