/**
 * What follows from how the control plane runs (`control_plane_mode`, `control_plane_images`: declared
 * with the cluster vars, roles/cluster/cluster-schema.ts): systemd (default: kube-apiserver,
 * kube-controller-manager and kube-scheduler as units) or static-pods (the same three as static pods the
 * kubelet starts from `<k8s_config_dir>/manifests`, kubeadm's layout). Cluster-wide (global vars): the
 * topology parses them once, and every control-plane host runs the same way. A static-pod control plane
 * needs a kubelet and a container runtime on each control-plane host, so each must also be in the nodes
 * group (where site.ts puts the runtime and the kubelet): refused before any host is touched otherwise.
 *
 * `control_plane_images` overrides the image table (roles/apiserver/images.ts) per component: another
 * repository or tag with its digest, and for an air-gapped site an image archive the controller fetches
 * once, verifies, caches and pushes, to be imported into containerd (`ctr -n k8s.io images import`).
 */
import { ConfigError, type Cluster, type Host } from '../../lib/index.js';
import type { ControlPlaneImages, ControlPlaneMode, ControlPlaneModeVars } from './cluster-schema.js';
import { topology } from './topology.js';

export {
  CONTROL_PLANE_MODES,
  type ControlPlaneImages,
  type ControlPlaneImagesVars,
  type ControlPlaneMode,
  type ControlPlaneModeVars,
  type ImageOverride,
} from './cluster-schema.js';

/** The components that run as static pods in static-pods mode (etcd stays a unit). */
export const STATIC_POD_COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;
export type StaticPodComponent = (typeof STATIC_POD_COMPONENTS)[number];

/** Whether the inventory names the mode itself (a move back from static pods needs it said: see roles/apiserver/modes.ts). */
export const controlPlaneModeNamed = (v: Readonly<Record<string, unknown>>): boolean =>
  v['control_plane_mode' satisfies keyof ControlPlaneModeVars] !== undefined;

/** The kubelet's staticPodPath under the config dir (kubeadm's /etc/kubernetes/manifests). */
export const staticPodDir = (configDir: string): string => `${configDir.replace(/\/+$/, '')}/manifests`;

/**
 * Static pods need the kubelet (and its runtime) on every control-plane host: site.ts puts those on the
 * nodes group, so a control-plane host outside it would never run its control plane.
 */
export function refuseStaticPodsWithoutKubelet(o: {
  readonly mode: ControlPlaneMode;
  readonly controlPlane: readonly Host[];
  readonly nodes: readonly Host[];
  readonly nodesGroup: string;
}): void {
  if (o.mode !== 'static-pods') return;
  const kubelets = new Set(o.nodes.map((h) => h.name));
  const missing = o.controlPlane.filter((h) => !kubelets.has(h.name));
  if (missing.length)
    throw new ConfigError(
      `control_plane_mode "static-pods" runs the control plane as static pods that the kubelet starts, but ${missing.map((h) => h.name).join(', ')} ${missing.length > 1 ? 'are' : 'is'} not in the nodes group${o.nodesGroup ? ` "${o.nodesGroup}"` : ' (the inventory has none)'}, so no container runtime or kubelet would run there: add ${missing.length > 1 ? 'them' : 'it'} to that group, or keep control_plane_mode "systemd"`,
      'vars.control_plane_mode',
    );
}

export interface ControlPlaneChoice {
  readonly mode: ControlPlaneMode;
  /** The inventory names the mode (a move back from static pods to units is made only then). */
  readonly named: boolean;
  readonly images: ControlPlaneImages;
}

const chosen = new WeakMap<Cluster, ControlPlaneChoice>();

/** The cluster's choice, checked once per inventory (the refusals above included) while the run compiles. */
export function controlPlaneOf(cluster: Cluster): ControlPlaneChoice {
  let c = chosen.get(cluster);
  if (!c) {
    const t = topology(cluster);
    const mode = t.settings.control_plane_mode;
    refuseStaticPodsWithoutKubelet({ mode, controlPlane: t.hosts.controlPlane, nodes: t.hosts.nodes, nodesGroup: t.groups.nodes });
    c = { mode, named: controlPlaneModeNamed(cluster.vars), images: t.settings.control_plane_images };
    chosen.set(cluster, c);
  }
  return c;
}
