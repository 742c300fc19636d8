/**
 * Vars several roles read under one name, so that one value in the inventory's global vars sets them all
 * (a kubelet whose cgroup driver differs from its runtime's does not start): types, defaults and schemas here.
 */
import { z } from 'zod';
import { archSchema, artifactOverridesSchema, type Arch, type ArtifactOverrides } from './artifacts.js';
import type { ContainerRuntime } from './cri.js';

/** Which release downloads: every role that installs Kubernetes binaries. */
export interface ArtifactVars {
  /** CPU architecture of the release downloads. */
  readonly k8s_arch: Arch;
  /** Per-component url/version/checksum overrides of the artifact table (roles/cluster/artifacts.ts): mirrors, versions, file:// stand-ins. */
  readonly k8s_artifacts: ArtifactOverrides;
}

export const artifactDefaults: ArtifactVars = { k8s_arch: 'amd64', k8s_artifacts: {} };
export const artifactShape = { k8s_arch: archSchema, k8s_artifacts: artifactOverridesSchema };

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
