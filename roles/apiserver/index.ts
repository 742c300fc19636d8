/**
 * apiserver: the Kubernetes control plane on every control-plane host - kube-apiserver,
 * kube-controller-manager and kube-scheduler as systemd units, from the release binaries.
 *
 * - binaries: one `artifact` from the artifact table (roles/cluster/artifacts.ts; the server tarball,
 *   sha512-verified once on the controller, the three binaries extracted and pushed when they differ);
 * - the control-plane share of the cluster PKI (pkiFiles) under k8s_config_dir, each file restarting
 *   only the components that read it (pki.ts);
 * - units with the flags the seeds and anchors use (flags.ts): etcd over TLS with the
 *   apiserver-etcd-client certificate, a dedicated service-account key pair and issuer, Node,RBAC,
 *   NodeRestriction, front-proxy (aggregation) flags, kubelet client certificates; the controller-manager
 *   signs with the cluster CA and allocates node CIDRs from pod_cidr (flannel needs them); the scheduler
 *   reads its KubeSchedulerConfiguration (scheduler-config.ts: client kubeconfig, leader election);
 * - services enabled and started; a change restarts only what it concerns (handlers.ts);
 * - gates (gates.ts): the apiserver's /healthz and /readyz with a client certificate, then :10257 and
 *   :10259 /healthz.
 *
 * control_plane_mode static-pods (roles/cluster/control-plane-mode.ts): the same three as static pods instead
 * (manifests.ts, from the same flags; images pinned by digest, images.ts; archives imported into containerd
 * for an air-gapped site, images-import.ts), the kubelet built here first on each control-plane host
 * (static-pods.ts), the units stopped and disabled; moving between the modes goes one host at a time
 * (modes.ts). The gates are the same in both modes.
 *
 * The role is rolling: restarts go one control-plane host at a time, so at most one apiserver is down.
 * Vars: see vars.ts. Cluster-wide: service_cidr, pod_cidr, cluster_domain, cluster_name, apiserver_port,
 * cluster_groups (etcd members), pki_dir.
 */
import { defineRole, template, unit, type AnyResource, type Cluster, type Handler, type Host } from '../../lib/index.js';
import { installBinaries } from '../cluster/artifacts-install.js';
import { resolveArtifact } from '../cluster/artifacts.js';
import { controlPlaneOf } from '../cluster/index.js';
import { apiserverFlags, controllerManagerFlags, schedulerFlags, type Flags } from './flags.js';
import { gates } from './gates.js';
import { handlers as unitHandlers, restartOf } from './handlers.js';
import { manifestDirOf, staticPodHandlers, staticPodResources } from './static-pods.js';
import { unitService, unplaceHandler, unplaceOf } from './modes.js';
import { controlPlanePki } from './pki.js';
import { schedulerConfigPath, schedulerConfigYaml } from './scheduler-config.js';
import { COMPONENTS, unitFile, type ControlPlaneComponent } from './units.js';
import { CLUSTER_VARS } from '../cluster/shared-vars.js';
import { defaults, schema, type ApiserverVars } from './vars.js';

export { defaults, schema, type ApiserverVars } from './vars.js';
export { COMPONENTS } from './units.js';

export function componentFlags(v: ApiserverVars, host: Host, cluster: Cluster): Record<ControlPlaneComponent, Flags> {
  return {
    'kube-apiserver': apiserverFlags(v, host, cluster),
    'kube-controller-manager': controllerManagerFlags(v, cluster),
    'kube-scheduler': schedulerFlags(v, schedulerConfigPath(v)),
  };
}

/** The port a component serves its health on: what a move waits to see closed. */
const healthPort = (flags: Flags): number => Number(flags['secure-port']);

function resources(v: ApiserverVars, host: Host, cluster: Cluster): AnyResource[] {
  const flags = componentFlags(v, host, cluster);
  const choice = controlPlaneOf(cluster);
  const kubernetes = resolveArtifact('kubernetes', v.k8s_arch, v.k8s_artifacts);
  const cache = v.k8s_cache_dir ? { cacheDir: v.k8s_cache_dir } : {};
  // kubectl from the same release: the coredns and smoke roles run it on a control-plane host.
  const kubectl = installBinaries(kubernetes, ['kubectl'], v.k8s_bin_dir, { tags: ['kubectl'], ...cache });
  const schedulerConfig = template({
    path: schedulerConfigPath(v),
    render: () => schedulerConfigYaml(v),
    mode: 0o644,
    notify: restartOf('kube-scheduler'),
    tags: ['kube-scheduler'],
  });
  if (choice.mode === 'static-pods') return [kubectl, ...staticPodResources({ v, host, cluster, flags, schedulerConfig })];
  // A new binary restarts its own component only.
  const binaries = COMPONENTS.map((c) => installBinaries(kubernetes, [c], v.k8s_bin_dir, { notify: restartOf(c), tags: [c], ...cache }));
  const manifestDir = manifestDirOf(cluster);
  return [
    ...binaries,
    kubectl,
    ...controlPlanePki(v, host, cluster),
    schedulerConfig,
    ...COMPONENTS.map((c) => unit({ name: `${c}.service`, content: unitFile(c, v.k8s_bin_dir, flags[c]), notify: restartOf(c), tags: [c] })),
    ...COMPONENTS.map((c) => unitService({ component: c, manifestDir, modeNamed: choice.named, tags: [c] })),
  ];
}

function handlers(v: ApiserverVars, host: Host, cluster: Cluster): Record<string, Handler> {
  const choice = controlPlaneOf(cluster);
  if (choice.mode === 'static-pods') return staticPodHandlers({ v, host, cluster, flags: componentFlags(v, host, cluster) });
  if (!choice.named) return unitHandlers();
  // The inventory names systemd: a component found on its static pod moves back, one host at a time.
  const flags = componentFlags(v, host, cluster);
  const manifestDir = manifestDirOf(cluster);
  return {
    ...Object.fromEntries(COMPONENTS.map((c) => [unplaceOf(c), unplaceHandler({ component: c, manifestDir, port: healthPort(flags[c]) })])),
    ...unitHandlers(),
  };
}

export default defineRole<ApiserverVars>({
  name: 'apiserver',
  tags: ['control-plane', ...COMPONENTS, 'kubectl'],
  defaults,
  sharedVars: CLUSTER_VARS,
  schema,
  resources,
  handlers,
  verify: gates,
  // A restart or a move goes one control-plane host at a time, each healthy again before the next: the API stays up.
  rolling: true,
});
