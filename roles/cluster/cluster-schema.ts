/**
 * The cluster-wide vars the topology and the PKI read from the inventory's global vars, as one zod object:
 * each field's type, default and a one-line description in one place, parsed once per inventory
 * (topology()), so no role reads or checks them by hand. The scalars and the control plane's mode and images
 * here; the pieces other files own (etcd ports, pod network, config dir, load balancer) are spread in from
 * their homes. What follows from the control plane's mode (the refusals, the manifests dir) is
 * control-plane-mode.ts's.
 */
import { z } from 'zod';
import { ConfigError, oneOf, port } from '../../lib/index.js';
import { configDirShape } from './config-dir.js';
import { lbImplementationShape } from './lb-implementation.js';
import { podNetworkShape } from './pod-network.js';
import { cidr, ipAddress } from './schemas.js';
import { etcdPortShape, type ClusterVarName, type ClusterVars } from './shared-vars.js';

/** A name that is also a directory of the controller's PKI (.tsplay/pki/<name>) and a kubeconfig entry. */
const clusterName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'expected a name of letters, digits and . _ - (at most 63, starting with a letter or digit)');
/** A DNS domain as the kubelet's clusterDomain takes it: lower-case labels joined by dots. */
const dnsDomain = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/, 'expected a DNS domain such as cluster.local');
const httpsUrl = z.string().regex(/^https:\/\/[^\s/]+(\/\S*)?$/, 'expected an https URL such as https://10.0.0.10:6443');
/** How the control plane runs: kube-apiserver, kube-controller-manager and kube-scheduler as units, or as static pods. */
export const CONTROL_PLANE_MODES = ['systemd', 'static-pods'] as const;
export type ControlPlaneMode = (typeof CONTROL_PLANE_MODES)[number];

const imageDigest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected a digest such as sha256:<64 hex digits>');
/** One component's image in static-pods mode: another repository or tag (with its digest), or an archive to import. */
const imageOverride = z.strictObject({
  repository: z
    .string()
    .regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+$/, 'expected a repository such as registry.k8s.io/kube-apiserver')
    .optional(),
  tag: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'expected an image tag such as v1.34.7')
    .optional(),
  digest: imageDigest.optional(),
  /** An image archive (`ctr images export`, `docker save`) to import into containerd: the air-gapped path. */
  archive: z
    .strictObject({
      url: z.string().regex(/^(https?|file):\/\/\S+$/, 'expected an http(s):// or file:// URL'),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits (the archive file)'),
    })
    .optional(),
});
export type ImageOverride = z.infer<typeof imageOverride>;
const controlPlaneImages = z.strictObject({
  'kube-apiserver': imageOverride.optional(),
  'kube-controller-manager': imageOverride.optional(),
  'kube-scheduler': imageOverride.optional(),
});
export type ControlPlaneImages = Readonly<z.infer<typeof controlPlaneImages>>;

export interface ControlPlaneModeVars {
  readonly control_plane_mode: ControlPlaneMode;
}
export interface ControlPlaneImagesVars {
  readonly control_plane_images: ControlPlaneImages;
}

const days = z.number().int('expected a whole number of days').min(0, 'expected 0 or more days');

export const clusterShape = {
  cluster_name: clusterName.default('kubernetes').describe("the cluster's name: kubeconfigs' cluster entry and the controller's PKI directory"),
  cluster_domain: dnsDomain.default('cluster.local').describe('the DNS domain of services (kubelet clusterDomain, apiserver certificate SANs)'),
  service_cidr: cidr.default('10.96.0.0/12').describe('the service IP range (apiserver, controller-manager, kube-proxy)'),
  pod_cidr: cidr.default('10.244.0.0/16').describe('the pod IP range (controller-manager node CIDRs, flannel, kube-proxy)'),
  cluster_dns: ipAddress.optional().describe('the cluster DNS service IP (default: the 10th address of service_cidr)'),
  api_endpoint: httpsUrl.optional().describe('what clients and kubeconfigs use (default https://VIP:apiserver_port, or the first control-plane host)'),
  apiserver_port: port.default(6443).describe('the port clients use: on the VIP (the load balancer) and on each apiserver'),
  vip_prefix: z.number().int().min(1).max(128).default(24).describe("the lb hosts' subnet prefix length the VIP must lie in"),
  pki_dir: z.string().min(1).optional().describe("the controller's PKI directory (default .tsplay/pki/<cluster_name>)"),
  pki_key_type: oneOf(['ecdsa', 'rsa']).optional().describe('the key type of every certificate (default ecdsa)'),
  pki_ca_validity_days: days.optional().describe("the CAs' validity"),
  pki_cert_validity_days: days.optional().describe("the leaf certificates' validity"),
  pki_renew_before_days: days.optional().describe('a run re-issues a leaf that expires within this many days'),
  pki_expiry_warn_days: days.optional().describe('every run warns about certificates that expire within this many days (0: never)'),
  apiserver_extra_sans: z.array(z.string().min(1)).optional().describe('more names and addresses in the apiserver certificate'),
  control_plane_mode: oneOf(CONTROL_PLANE_MODES)
    .default('systemd')
    .describe(
      'how kube-apiserver, kube-controller-manager and kube-scheduler run: systemd units, or static pods the kubelet starts from <k8s_config_dir>/manifests (every control-plane host then a node)',
    ),
  control_plane_images: controlPlaneImages
    .default({})
    .describe(
      "static-pods mode, per component: another repository/tag with its digest, or an image archive to import into containerd (air-gapped); default the image table's (roles/apiserver/images.ts)",
    ),
  ...etcdPortShape,
  ...podNetworkShape,
  ...configDirShape,
  ...lbImplementationShape,
} satisfies { [K in ClusterVarName]?: z.ZodType<ClusterVars[K] | undefined, unknown> };

export const clusterSchema = z.object(clusterShape);
export type ClusterSettings = z.output<typeof clusterSchema>;

/** The cluster vars of a vars record (the global vars, or with -e on top), parsed: a bad one is a ConfigError naming it. */
export function clusterSettingsOf(v: Readonly<Record<string, unknown>>): ClusterSettings {
  const picked = Object.fromEntries(Object.keys(clusterShape).flatMap((k) => (v[k] === undefined ? [] : [[k, v[k]]])));
  const r = clusterSchema.safeParse(picked);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  // The value at the issue's own path (a nested field's, not its whole object).
  const got = JSON.stringify(
    issue.path.reduce<unknown>((at, k) => (at && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[k] : undefined), picked),
  );
  // zod's type message names what it received, not the value; a oneOf message already says what it got.
  const text = issue.code === 'invalid_type' ? `expected a ${issue.expected}` : issue.message;
  throw new ConfigError(/\bgot\b/.test(text) ? text : `${text}, got ${got}`, `vars.${issue.path.join('.')}`);
}
