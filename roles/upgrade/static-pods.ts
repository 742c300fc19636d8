/**
 * The control plane's static pods in an upgrade (control_plane_mode static-pods): the host has no
 * kube-apiserver, kube-controller-manager or kube-scheduler binary or unit to ask, so each is read from its
 * manifest in the kubelet's staticPodPath and from the process serving its port:
 * - plan: its version is the tag of the image its manifest names; no manifest, not installed (refused);
 * - gate: the manifest names the image the apiserver role renders for the target (the image table's, or
 *   control_plane_images', digest included), and the process listening on the component's port started
 *   no earlier than the manifest was written: the kubelet runs the new pod, not the old one. (The new
 *   release's images are moved in by the apiserver role itself: a changed manifest goes aside until the
 *   old pod is gone, then the new one is written, behind the role's health gates; roles/apiserver/modes.ts.)
 * One read-only command per host, parsed here; pure.
 */
import type { Cluster, Host } from '../../lib/index.js';
import { controlPlaneOf, STATIC_POD_COMPONENTS, topology, type StaticPodComponent } from '../cluster/index.js';
import { manifestPath } from '../apiserver/modes.js';
import { manifestDirOf } from '../apiserver/static-pods.js';
import { parseVersion, showVersion, type Version } from './version.js';

export interface StaticPodPart {
  readonly component: StaticPodComponent;
  readonly manifest: string;
  /** The port its process listens on; without one the listener is not asked (the plan). */
  readonly port?: number;
}

/** The static pods the control plane runs on `host`: the three on a control-plane host in static-pods mode, else none. */
export function staticPodsOn(host: Host, cluster: Cluster): StaticPodPart[] {
  if (controlPlaneOf(cluster).mode !== 'static-pods') return [];
  if (!topology(cluster).hosts.controlPlane.some((h) => h.name === host.name)) return [];
  const dir = manifestDirOf(cluster);
  return STATIC_POD_COMPONENTS.map((c) => ({ component: c, manifest: manifestPath(dir, c) }));
}

export interface PodSeen {
  readonly component: string;
  /** The image the manifest names ('' without a manifest). */
  readonly image: string;
  /** The manifest's mtime, seconds since the epoch. */
  readonly writtenAt?: number;
  /** When the process listening on the port started, seconds since the epoch; undefined: none listens. */
  readonly startedAt?: number;
}

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Tab-separated: component, image, manifest mtime, listener start (`-` when unknown). */
export function podProbeCommand(parts: readonly StaticPodPart[]): string {
  return parts
    .map((p) => {
      const m = sq(p.manifest);
      const listener = p.port
        ? `pid=$(ss -Hltnp 'sport = :${p.port}' 2>/dev/null | sed -n 's/.*pid=\\([0-9]*\\).*/\\1/p' | head -n1); e=$( [ -n "$pid" ] && ps -o etimes= -p "$pid" 2>/dev/null | tr -d ' ' ); if [ -n "$e" ]; then s=$(( $(date +%s) - e )); else s=-; fi`
        : 's=-';
      return `{ if [ -f ${m} ]; then i=$(sed -n 's/^ *image: *//p' ${m} | head -n1 | tr -d "\\"'"); t=$(stat -c %Y ${m}); else i=; t=-; fi; ${listener}; printf '%s\\t%s\\t%s\\t%s\\n' ${sq(p.component)} "$i" "$t" "$s"; }`;
    })
    .join('; ');
}

const num = (s: string | undefined) => (s && /^\d+$/.test(s) ? Number(s) : undefined);

export function parsePodProbe(stdout: string): Map<string, PodSeen> {
  const out = new Map<string, PodSeen>();
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const [component = '', image = '', t, s] = line.split('\t');
    const writtenAt = num(t),
      startedAt = num(s);
    out.set(component, { component, image, ...(writtenAt !== undefined ? { writtenAt } : {}), ...(startedAt !== undefined ? { startedAt } : {}) });
  }
  return out;
}

/** The tag of an image reference (`registry:5000/kube-apiserver:v1.34.7@sha256:...` -> v1.34.7), or ''. */
export function tagOf(ref: string): string {
  const name = ref.split('@')[0]!;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : '';
}

/** The version a static pod runs, by its image's tag; undefined without a manifest or a version in the tag. */
export const podVersion = (s: PodSeen | undefined): Version | undefined => (s?.image ? parseVersion(tagOf(s.image)) : undefined);

/** What is wrong with one static pod after the upgrade to `wanted` (the image the role renders), or undefined. */
export function podProblem(component: string, s: PodSeen | undefined, wanted: string, target: Version): string | undefined {
  if (!s?.image) return `${component}: no static pod manifest`;
  const v = podVersion(s);
  if (!v || showVersion(v) !== showVersion(target)) return `${component}'s manifest names ${s.image}, not an image of ${showVersion(target)}`;
  if (s.image !== wanted) return `${component}'s manifest names ${s.image}, not ${wanted}`;
  if (s.startedAt === undefined) return `${component}: nothing listens on its port (the kubelet has not started its pod)`;
  if (s.writtenAt === undefined) return `${component}: cannot tell when its manifest was written`;
  if (s.startedAt < s.writtenAt) return `${component}: the process on its port started before its manifest was written: still the old pod`;
  return undefined;
}
