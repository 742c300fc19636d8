/** The control plane's vars (kube-apiserver, kube-controller-manager, kube-scheduler): defaults and the run-time schema. */
import { z } from 'zod';
import { artifactDefaults, artifactShape, etcdPortDefaults, etcdPortShape, type ArtifactVars, type EtcdPortVars } from '../cluster/shared-vars.js';

export interface ApiserverVars extends ArtifactVars, Pick<EtcdPortVars, 'etcd_client_port'> {
  /** Controller cache for downloads ('' = TSPLAY_CACHE or ~/.cache/tsplay/artifacts). */
  readonly k8s_cache_dir: string;
  readonly k8s_bin_dir: string;
  /** Where the PKI and kubeconfigs are pushed (pki/ below it). */
  readonly k8s_config_dir: string;
  /** Address the apiserver binds and advertises ('' = the host's inventory address). */
  readonly apiserver_bind_address: string;
  readonly apiserver_authorization_mode: readonly string[];
  readonly apiserver_admission_plugins: readonly string[];
  readonly apiserver_anonymous_auth: boolean;
  readonly apiserver_service_node_port_range: string;
  /** '' = https://kubernetes.default.svc.<cluster_domain>. */
  readonly apiserver_service_account_issuer: string;
  /** Where the controller-manager and scheduler serve /healthz (the gates ask there). */
  readonly controller_manager_bind_address: string;
  readonly scheduler_bind_address: string;
  readonly node_cidr_mask_size: number;
  readonly control_plane_log_level: number;
  /** Extra or replaced flags per component (`name: value`, without the leading --). */
  readonly apiserver_extra_args: Readonly<Record<string, string>>;
  readonly controller_manager_extra_args: Readonly<Record<string, string>>;
  readonly scheduler_extra_args: Readonly<Record<string, string>>;
  /** Fields added to or replacing the KubeSchedulerConfiguration's top level (e.g. `profiles`). */
  readonly scheduler_extra_config: Readonly<Record<string, unknown>>;
}

export const defaults: ApiserverVars = {
  ...artifactDefaults,
  k8s_cache_dir: '',
  k8s_bin_dir: '/usr/local/bin',
  k8s_config_dir: '/etc/kubernetes',
  apiserver_bind_address: '',
  apiserver_authorization_mode: ['Node', 'RBAC'],
  apiserver_admission_plugins: ['NodeRestriction'],
  apiserver_anonymous_auth: false,
  apiserver_service_node_port_range: '30000-32767',
  apiserver_service_account_issuer: '',
  etcd_client_port: etcdPortDefaults.etcd_client_port,
  // Loopback by default: the ports need no exposure unless scraped (k8s-roles.md §1.9).
  controller_manager_bind_address: '127.0.0.1',
  scheduler_bind_address: '127.0.0.1',
  node_cidr_mask_size: 24,
  control_plane_log_level: 2,
  apiserver_extra_args: {},
  controller_manager_extra_args: {},
  scheduler_extra_args: {},
  scheduler_extra_config: {},
};

const octet = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const ipv4 = new RegExp(`^${octet}(\\.${octet}){3}$`);
const address = z.string().refine((s) => ipv4.test(s) || /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/.test(s), 'expected an IP address');
const absolute = z.string().regex(/^\/[^\s]*$/, 'expected an absolute path');
const flagName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a flag name such as audit-log-path (no leading --)');
const args = z.record(flagName, z.string().refine((s) => !/[\n\r]/.test(s), 'a flag value cannot span lines'));
const AUTHZ = ['AlwaysAllow', 'AlwaysDeny', 'ABAC', 'Webhook', 'RBAC', 'Node'] as const;

export const schema: z.ZodType<ApiserverVars> = z.object({
  ...artifactShape,
  k8s_cache_dir: z.string(),
  k8s_bin_dir: absolute,
  k8s_config_dir: absolute,
  apiserver_bind_address: z.union([z.literal(''), address]),
  apiserver_authorization_mode: z.array(z.enum(AUTHZ)).min(1, 'name at least one mode, e.g. ["Node", "RBAC"]'),
  apiserver_admission_plugins: z.array(z.string().regex(/^[A-Za-z]+$/, 'expected a plugin name such as NodeRestriction')),
  apiserver_anonymous_auth: z.boolean(),
  apiserver_service_node_port_range: z.string().regex(/^\d{1,5}-\d{1,5}$/, 'expected a range such as 30000-32767'),
  apiserver_service_account_issuer: z.union([z.literal(''), z.string().regex(/^https:\/\/\S+$/, 'expected an https:// URL')]),
  etcd_client_port: etcdPortShape.etcd_client_port,
  controller_manager_bind_address: address,
  scheduler_bind_address: address,
  node_cidr_mask_size: z.number().int().min(8).max(30),
  control_plane_log_level: z.number().int().min(0).max(10),
  apiserver_extra_args: args,
  controller_manager_extra_args: args,
  scheduler_extra_args: args,
  scheduler_extra_config: z.record(z.string(), z.unknown()),
});
