/**
 * Vars several roles read under one name, so that one value in the inventory's global vars sets them all
 * (a kubelet whose cgroup driver differs from its runtime's does not start): types, defaults and schemas here.
 */
import { z } from 'zod';
import { archSchema, artifactOverridesSchema, type Arch, type ArtifactOverrides } from './artifacts.js';
import { port, varsFor } from '../../lib/index.js';
import type { ContainerRuntime } from './cri.js';
import type { Part } from './groups.js';
import type { ConfigDirVars } from './config-dir.js';
import type { LbImplementationVars } from './lb-implementation.js';
import type { ControlPlaneImagesVars, ControlPlaneModeVars } from './control-plane-mode.js';
import type { PodNetworkVars } from './pod-network.js';

/** Which release downloads: every role that installs Kubernetes binaries. */
export interface ArtifactVars {
  /** CPU architecture of the release downloads. */
  readonly k8s_arch: Arch;
  /** Per-component url/version/checksum overrides of the artifact table (roles/cluster/artifacts.ts): mirrors, versions, file:// stand-ins. */
  readonly k8s_artifacts: ArtifactOverrides;
}

export const artifactDefaults: ArtifactVars = { k8s_arch: 'amd64', k8s_artifacts: {} };
export const artifactShape = { k8s_arch: archSchema, k8s_artifacts: artifactOverridesSchema };
/** The same, declared with defaults and descriptions: spread into a role's declareVars object. */
export const artifactVarShape = {
  k8s_arch: archSchema.default(artifactDefaults.k8s_arch).describe('CPU architecture of the release downloads'),
  k8s_artifacts: artifactOverridesSchema
    .default(artifactDefaults.k8s_artifacts)
    .describe('per-component url/version/checksum overrides of the artifact table (roles/cluster/artifacts.ts): mirrors, versions, file:// stand-ins'),
};

/**
 * etcd's ports, declared once: the etcd role listens on them, the apiserver dials the client port, the
 * firewall opens both on the etcd hosts (topology().etcdClientPort/etcdPeerPort). Cluster-wide (global vars).
 */
export const etcdPortShape = {
  etcd_client_port: port.default(2379).describe('the etcd client port: members listen on it, the apiservers dial it'),
  etcd_peer_port: port.default(2380).describe('the etcd peer port between members'),
};
export interface EtcdPortVars {
  readonly etcd_client_port: number;
  readonly etcd_peer_port: number;
}
export const etcdPortDefaults: EtcdPortVars = { etcd_client_port: 2379, etcd_peer_port: 2380 };

export type CgroupDriver = 'systemd' | 'cgroupfs';

/** The container runtime and its cgroup driver: the runtime role and the kubelet must agree on both. */
export interface RuntimeChoiceVars {
  /** containerd (default) or docker (+ cri-dockerd for Kubernetes >= 1.24). */
  readonly container_runtime: ContainerRuntime;
  /** systemd on a systemd host with cgroup v2; cgroupfs where systemd does not manage the cgroups (containers). */
  readonly cgroup_driver: CgroupDriver;
}

export const runtimeChoiceDefaults: RuntimeChoiceVars = { container_runtime: 'containerd', cgroup_driver: 'systemd' };
export const runtimeChoiceShape = { container_runtime: z.enum(['containerd', 'docker']), cgroup_driver: z.enum(['systemd', 'cgroupfs']) };
/** The same, declared with defaults and descriptions: spread into a role's declareVars object. */
export const runtimeChoiceVarShape = {
  container_runtime: runtimeChoiceShape.container_runtime
    .default(runtimeChoiceDefaults.container_runtime)
    .describe('containerd (default) or docker (+ cri-dockerd for Kubernetes >= 1.24)'),
  cgroup_driver: runtimeChoiceShape.cgroup_driver
    .default(runtimeChoiceDefaults.cgroup_driver)
    .describe('systemd on a systemd host with cgroup v2; cgroupfs where systemd does not manage the cgroups (containers)'),
};

/**
 * The cluster-wide vars: set once in the inventory's global vars (`vip` may sit on the lb group instead),
 * read through `cluster.vars` by the topology, the PKI and several roles. Every Kubernetes role names them
 * as its `sharedVars`, so a misspelt one is refused before any host is touched.
 */
export interface ClusterVars
  extends ArtifactVars,
    RuntimeChoiceVars,
    EtcdPortVars,
    PodNetworkVars,
    ConfigDirVars,
    LbImplementationVars,
    ControlPlaneModeVars,
    ControlPlaneImagesVars {
  readonly cluster_name: string;
  readonly cluster_domain: string;
  /** A host's cluster address, an IP (default: its SSH address): roles/cluster/cluster-address.ts. */
  readonly cluster_address: string;
  /** Which inventory group plays which part (roles/cluster/groups.ts); unnamed parts are found by convention. */
  readonly cluster_groups: Readonly<Partial<Record<Part, string>>>;
  readonly service_cidr: string;
  readonly pod_cidr: string;
  /** The cluster DNS service IP (default: the 10th address of service_cidr). */
  readonly cluster_dns: string;
  /** What clients and kubeconfigs use (default https://VIP:apiserver_port, or the first control-plane host). */
  readonly api_endpoint: string;
  readonly apiserver_port: number;
  /** The API's virtual IP on the lb hosts (global, or on the lb group). */
  readonly vip: string;
  /** The lb hosts' subnet prefix length the VIP must lie in (default 24). */
  readonly vip_prefix: number;
  /** The controller's PKI directory (default .tsplay/pki/<cluster_name>). */
  readonly pki_dir: string;
  readonly pki_key_type: 'ecdsa' | 'rsa';
  readonly pki_ca_validity_days: number;
  readonly pki_cert_validity_days: number;
  readonly pki_renew_before_days: number;
  /** Every run warns (recap and JSON stream) about certificates that expire within this many days (default 30, 0: never). */
  readonly pki_expiry_warn_days: number;
  /** More names and addresses in the apiserver certificate. */
  readonly apiserver_extra_sans: readonly string[];
}

export type ClusterVarName = keyof ClusterVars;

/**
 * Where each may be set: 'host' vars are read per host through the roles' vars (a mixed-arch cluster sets
 * k8s_arch per group; each host's cluster_address through clusterAddress()); 'global' ones once, from the
 * inventory's global vars (the topology, the PKI), so a group or host value would be ignored and is refused;
 * the VIP may also sit on the lb group.
 * A record over every key, so that a var added to ClusterVars but not here fails to compile.
 */
const CLUSTER_VAR_SCOPE: Readonly<Record<ClusterVarName, 'host' | 'global' | 'global or lb group'>> = {
  k8s_arch: 'host',
  k8s_artifacts: 'host',
  container_runtime: 'host',
  cgroup_driver: 'host',
  cluster_address: 'host',
  cluster_name: 'global',
  cluster_domain: 'global',
  cluster_groups: 'global',
  service_cidr: 'global',
  pod_cidr: 'global',
  cluster_dns: 'global',
  api_endpoint: 'global',
  apiserver_port: 'global',
  etcd_client_port: 'global',
  etcd_peer_port: 'global',
  vip: 'global or lb group',
  vip_prefix: 'global',
  pki_dir: 'global',
  pki_key_type: 'global',
  pki_ca_validity_days: 'global',
  pki_cert_validity_days: 'global',
  pki_renew_before_days: 'global',
  pki_expiry_warn_days: 'global',
  apiserver_extra_sans: 'global',
  flannel_backend: 'global',
  flannel_vxlan_port: 'global',
  flannel_subnet_manager: 'global',
  flannel_etcd_prefix: 'global',
  k8s_config_dir: 'global',
  lb_implementation: 'global',
  control_plane_mode: 'global',
  control_plane_images: 'global',
};

/** The names of the cluster-wide vars: a Kubernetes role's `sharedVars`. */
export const CLUSTER_VARS: readonly ClusterVarName[] = Object.keys(CLUSTER_VAR_SCOPE) as ClusterVarName[];
/** The cluster vars read once from the global vars: a group or host value of one would be ignored. */
export const GLOBAL_CLUSTER_VARS: readonly ClusterVarName[] = CLUSTER_VARS.filter((k) => CLUSTER_VAR_SCOPE[k] === 'global');

/** Cluster vars in an inventory, typed: `vars: clusterVars({ servce_cidr: ... })` is a compile error. */
export const clusterVars = (vars: Partial<ClusterVars>): Readonly<Record<string, unknown>> => varsFor<ClusterVars>(vars);
