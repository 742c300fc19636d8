/**
 * The static pod manifests (v1 Pod) of static-pods mode, rendered from the SAME flag records the units use
 * (flags.ts via componentFlags): the container's command is the binary and its flags, sorted as in the unit.
 * What kubeadm's manifests have, learnt from cmd/kubeadm/app/phases/controlplane and util/staticpod:
 * kube-system, labels component + tier=control-plane, hostNetwork (the control plane must not wait for the
 * pod network it serves), priorityClassName system-node-critical, a CPU request, the RuntimeDefault seccomp
 * profile, hostPath volumes for what it reads (here the whole k8s_config_dir, read-only, and the host's CA
 * bundle), and probes on the components' health ports:
 * - controller-manager and scheduler: HTTPS /healthz on their secure ports (served to anyone:
 *   --authorization-always-allow-paths);
 * - apiserver: HTTPS /livez (liveness, startup) and /readyz (readiness) when anonymous auth is on, as
 *   kubeadm has it; with apiserver_anonymous_auth false (the default here) the kubelet's probe, which has no
 *   client certificate, would get 401 and restart a healthy apiserver forever, so the probes are TCP
 *   connects to the secure port instead. The health gates (gates.ts) still ask /healthz and /readyz with a
 *   client certificate.
 */
import { stringify } from 'yaml';
import type { Flags } from './flags.js';
import type { ResolvedImage } from './images.js';
import type { ControlPlaneComponent } from './units.js';

const CPU: Record<ControlPlaneComponent, string> = { 'kube-apiserver': '250m', 'kube-controller-manager': '200m', 'kube-scheduler': '100m' };
/** kubeadm's probe timings. */
const LIVENESS = { initialDelaySeconds: 10, timeoutSeconds: 15, periodSeconds: 10, failureThreshold: 8 };
const STARTUP = { initialDelaySeconds: 10, timeoutSeconds: 15, periodSeconds: 10, failureThreshold: 24 };

/** Where a component bound to `bind` is probed from its own host. */
const probeHost = (bind: string) => (bind === '0.0.0.0' ? '127.0.0.1' : bind === '::' ? '::1' : bind);

export interface ManifestInput {
  readonly component: ControlPlaneComponent;
  readonly flags: Flags;
  readonly image: ResolvedImage;
  /** k8s_config_dir: PKI, kubeconfigs and the scheduler's config are under it. */
  readonly configDir: string;
  /** Whether the apiserver lets anonymous requests reach /livez and /readyz (apiserver_anonymous_auth). */
  readonly anonymousAuth: boolean;
}

/** `--name=value` for every flag, sorted: the unit's ExecStart words, without systemd's quoting. */
export const commandOf = (c: ControlPlaneComponent, flags: Flags): string[] => [
  c,
  ...Object.keys(flags)
    .sort()
    .map((k) => `--${k}=${flags[k]!}`),
];

function probes(i: ManifestInput): Record<string, unknown> {
  const port = Number(i.flags['secure-port']);
  const host = probeHost(i.flags['bind-address'] ?? '127.0.0.1');
  const http = (path: string) => ({ httpGet: { host, path, port, scheme: 'HTTPS' } });
  if (i.component !== 'kube-apiserver') return { livenessProbe: { ...http('/healthz'), ...LIVENESS }, startupProbe: { ...http('/healthz'), ...STARTUP } };
  if (!i.anonymousAuth) {
    const tcp = { tcpSocket: { host, port } };
    return {
      livenessProbe: { ...tcp, ...LIVENESS },
      readinessProbe: { ...tcp, timeoutSeconds: 15, periodSeconds: 1, failureThreshold: 3 },
      startupProbe: { ...tcp, ...STARTUP },
    };
  }
  return {
    livenessProbe: { ...http('/livez'), ...LIVENESS },
    readinessProbe: { ...http('/readyz'), timeoutSeconds: 15, periodSeconds: 1, failureThreshold: 3 },
    startupProbe: { ...http('/livez'), ...STARTUP },
  };
}

export function podManifest(i: ManifestInput): Record<string, unknown> {
  const dir = i.configDir.replace(/\/+$/, '');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: i.component, namespace: 'kube-system', labels: { component: i.component, tier: 'control-plane' } },
    spec: {
      hostNetwork: true,
      priorityClassName: 'system-node-critical',
      priority: 2000001000,
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: i.component,
          image: i.image.ref,
          imagePullPolicy: 'IfNotPresent',
          command: commandOf(i.component, i.flags),
          resources: { requests: { cpu: CPU[i.component] } },
          ...probes(i),
          volumeMounts: [
            { name: 'k8s-config', mountPath: dir, readOnly: true },
            { name: 'ca-certs', mountPath: '/etc/ssl/certs', readOnly: true },
          ],
        },
      ],
      volumes: [
        { name: 'k8s-config', hostPath: { path: dir, type: 'Directory' } },
        { name: 'ca-certs', hostPath: { path: '/etc/ssl/certs', type: 'DirectoryOrCreate' } },
      ],
    },
  };
}

export const manifestYaml = (i: ManifestInput): string =>
  `# Managed by tsplay (role apiserver, control_plane_mode static-pods); edits here are overwritten.\n${stringify(podManifest(i), { lineWidth: 0, version: '1.1', aliasDuplicateObjects: false })}`;
