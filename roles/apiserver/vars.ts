/** The control plane's vars (kube-apiserver, kube-controller-manager, kube-scheduler), declared once. */
import { z } from 'zod';
import { absPath, declareVars, orEmpty, type VarsOf } from '../../lib/index.js';
import { ipAddress } from '../cluster/schemas.js';
import { configDirShape } from '../cluster/config-dir.js';
import { artifactVarShape, etcdPortShape } from '../cluster/shared-vars.js';

const flagName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a flag name such as audit-log-path (no leading --)');
const args = z.record(
  flagName,
  z.string().refine((s) => !/[\n\r]/.test(s), 'a flag value cannot span lines'),
);
const AUTHZ = ['AlwaysAllow', 'AlwaysDeny', 'ABAC', 'Webhook', 'RBAC', 'Node'] as const;

export const vars = declareVars(
  z.object({
    ...artifactVarShape,
    k8s_cache_dir: z.string().default('').describe("controller cache for downloads ('' = TSPLAY_CACHE or ~/.cache/tsplay/artifacts)"),
    k8s_bin_dir: absPath.default('/usr/local/bin').describe('where the control-plane binaries and kubectl land'),
    ...configDirShape,
    apiserver_bind_address: orEmpty(ipAddress).default('').describe("address the apiserver binds and advertises ('' = the host's inventory address)"),
    apiserver_authorization_mode: z
      .array(z.enum(AUTHZ))
      .min(1, 'name at least one mode, e.g. ["Node", "RBAC"]')
      .default(['Node', 'RBAC'])
      .describe('--authorization-mode'),
    apiserver_admission_plugins: z
      .array(z.string().regex(/^[A-Za-z]+$/, 'expected a plugin name such as NodeRestriction'))
      .default(['NodeRestriction'])
      .describe('--enable-admission-plugins'),
    apiserver_anonymous_auth: z.boolean().default(false).describe('--anonymous-auth'),
    apiserver_service_node_port_range: z
      .string()
      .regex(/^\d{1,5}-\d{1,5}$/, 'expected a range such as 30000-32767')
      .default('30000-32767')
      .describe('--service-node-port-range'),
    apiserver_service_account_issuer: orEmpty(z.string().regex(/^https:\/\/\S+$/, 'expected an https:// URL'))
      .default('')
      .describe("'' = https://kubernetes.default.svc.<cluster_domain>"),
    etcd_client_port: etcdPortShape.etcd_client_port,
    // Loopback by default: the ports need no exposure unless scraped (k8s-roles.md §1.9).
    controller_manager_bind_address: ipAddress.default('127.0.0.1').describe('where the controller-manager serves /healthz (the gates ask there)'),
    scheduler_bind_address: ipAddress.default('127.0.0.1').describe('where the scheduler serves /healthz (the gates ask there)'),
    node_cidr_mask_size: z.number().int().min(8).max(30).default(24).describe("--node-cidr-mask-size (flannel's subnet length must agree)"),
    control_plane_log_level: z.number().int().min(0).max(10).default(2).describe('-v for the three components'),
    apiserver_extra_args: args.default({}).describe('extra or replaced kube-apiserver flags (name: value, without the leading --)'),
    controller_manager_extra_args: args.default({}).describe('extra or replaced kube-controller-manager flags'),
    scheduler_extra_args: args.default({}).describe('extra or replaced kube-scheduler flags'),
    scheduler_extra_config: z
      .record(z.string(), z.unknown())
      .default({})
      .describe("fields added to or replacing the KubeSchedulerConfiguration's top level (e.g. profiles)"),
  }),
);

export type ApiserverVars = VarsOf<typeof vars>;
export const { defaults, schema } = vars;
