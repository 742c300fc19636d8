/**
 * How the control plane runs, declared once: `control_plane_mode`, systemd (default: kube-apiserver,
 * kube-controller-manager and kube-scheduler as units) or static-pods (the same three as static pods the
 * kubelet starts from `<k8s_config_dir>/manifests`, kubeadm's layout). Cluster-wide (global vars): the
 * topology reads it once, and every control-plane host runs the same way. A static-pod control plane needs
 * a kubelet and a container runtime on each control-plane host, so each must also be in the nodes group
 * (where site.ts puts the runtime and the kubelet): refused before any host is touched otherwise.
 *
 * `control_plane_images` (also cluster-wide) overrides the image table (roles/apiserver/images.ts) per
 * component: another repository or tag with its digest, and for an air-gapped site an image archive the
 * controller fetches once, verifies, caches and pushes, to be imported into containerd (`ctr -n k8s.io
 * images import`).
 */
import { z } from 'zod';
import { ConfigError, type Cluster, type Host } from '../../lib/index.js';
import { topology } from './topology.js';

export const CONTROL_PLANE_MODES = ['systemd', 'static-pods'] as const;
export type ControlPlaneMode = (typeof CONTROL_PLANE_MODES)[number];

export interface ControlPlaneModeVars {
  readonly control_plane_mode: ControlPlaneMode;
}
export const controlPlaneModeDefaults: ControlPlaneModeVars = { control_plane_mode: 'systemd' };

/** The components that run as static pods in static-pods mode (etcd stays a unit). */
export const STATIC_POD_COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;
export type StaticPodComponent = (typeof STATIC_POD_COMPONENTS)[number];

const sha256 = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected a digest such as sha256:<64 hex digits>');
const imageOverride = z.strictObject({
  repository: z
    .string()
    .regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+$/, 'expected a repository such as registry.k8s.io/kube-apiserver')
    .optional(),
  tag: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'expected an image tag such as v1.34.7')
    .optional(),
  digest: sha256.optional(),
  /** An image archive (`ctr images export`, `docker save`) to import into containerd: the air-gapped path. */
  archive: z
    .strictObject({
      url: z.string().regex(/^(https?|file):\/\/\S+$/, 'expected an http(s):// or file:// URL'),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits (the archive file)'),
    })
    .optional(),
});
export type ImageOverride = z.infer<typeof imageOverride>;
export const controlPlaneImagesSchema = z.strictObject({
  'kube-apiserver': imageOverride.optional(),
  'kube-controller-manager': imageOverride.optional(),
  'kube-scheduler': imageOverride.optional(),
});
export type ControlPlaneImages = Readonly<z.infer<typeof controlPlaneImagesSchema>>;

export interface ControlPlaneImagesVars {
  readonly control_plane_images: ControlPlaneImages;
}

const choice = z.enum(CONTROL_PLANE_MODES, {
  error: (issue) => {
    const text = String(issue.input).toLowerCase();
    const near = text.includes('pod') || text.includes('static') ? ' Did you mean "static-pods"?' : text.startsWith('sys') ? ' Did you mean "systemd"?' : '';
    return `expected ${CONTROL_PLANE_MODES.map((m) => `"${m}"`).join(' or ')}, got ${JSON.stringify(issue.input)}.${near}`;
  },
});

/** The inventory's value (its global vars), checked. */
export function controlPlaneModeOf(v: Readonly<Record<string, unknown>>): ControlPlaneMode {
  const r = choice.optional().safeParse(v['control_plane_mode' satisfies keyof ControlPlaneModeVars]);
  if (!r.success) throw new ConfigError(r.error.issues[0]!.message, 'vars.control_plane_mode');
  return r.data ?? controlPlaneModeDefaults.control_plane_mode;
}

/** Whether the inventory names the mode itself (a move back from static pods needs it said: see roles/apiserver/modes.ts). */
export const controlPlaneModeNamed = (v: Readonly<Record<string, unknown>>): boolean =>
  v['control_plane_mode' satisfies keyof ControlPlaneModeVars] !== undefined;

/** The inventory's image overrides (its global vars), checked. */
export function controlPlaneImagesOf(v: Readonly<Record<string, unknown>>): ControlPlaneImages {
  const r = controlPlaneImagesSchema.optional().safeParse(v['control_plane_images' satisfies keyof ControlPlaneImagesVars]);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new ConfigError(i.message, ['vars.control_plane_images', ...i.path.map(String)].join('.'));
  }
  return r.data ?? {};
}

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
    const mode = controlPlaneModeOf(cluster.vars);
    refuseStaticPodsWithoutKubelet({ mode, controlPlane: t.hosts.controlPlane, nodes: t.hosts.nodes, nodesGroup: t.groups.nodes });
    c = { mode, named: controlPlaneModeNamed(cluster.vars), images: controlPlaneImagesOf(cluster.vars) };
    chosen.set(cluster, c);
  }
  return c;
}
