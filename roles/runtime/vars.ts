/**
 * runtime vars. `container_runtime`, `cgroup_driver`, `k8s_arch` and `k8s_artifacts` are cluster-wide (roles/cluster/shared-vars.ts)
 * (the kubelet role reads the same names, so set them once in the inventory's global vars), and so are
 * `cni_bin_dir` and `cni_conf_dir` (roles/cluster/cni-vars.ts: flannel reads them too); the rest are
 * prefixed `runtime_`.
 */
import { z } from 'zod';
import { cniDefaults, cniShape, type CniVars } from '../cluster/cni-vars.js';
import { artifactDefaults, artifactShape, runtimeChoiceDefaults, runtimeChoiceShape, type ArtifactVars, type RuntimeChoiceVars } from '../cluster/shared-vars.js';

/** Package names per OS family. */
export interface FamilyPackages {
  readonly debian: readonly string[];
  readonly redhat: readonly string[];
}

export interface RuntimeVars extends RuntimeChoiceVars, ArtifactVars, CniVars {
  /** The pod sandbox ("pause") image the runtime uses for every pod. */
  readonly runtime_sandbox_image: string;
  readonly runtime_containerd_packages: FamilyPackages;
  readonly runtime_docker_packages: FamilyPackages;
  /** Exact versions, as dpkg-query / rpm report them (e.g. { 'containerd.io': '1.7.27-3.1.el9' }); {} = what the repository has. */
  readonly runtime_package_versions: Readonly<Record<string, string>>;
  /** RHEL family: Docker's dnf repository, signed by Docker's key; false where a mirror or satellite already provides the packages. */
  readonly runtime_docker_repo: boolean;
  /** Its baseurl: Docker's, or a mirror laid out like it (dnf expands $releasever and $basearch). */
  readonly runtime_docker_repo_baseurl: string;
  /**
   * The config.toml layout: 2 (containerd 1.6 and 1.7 read it; 2.x migrates it when it loads) or 3
   * (containerd 2.1 and later natively: the CRI plugin split into io.containerd.cri.v1.runtime and .images,
   * the CNI dirs as `bin_dirs`).
   */
  readonly runtime_containerd_config_version: 2 | 3;
  /** containerd snapshotter: overlayfs; `native` where the root is itself an overlay (containers, the lab). */
  readonly runtime_snapshotter: string;
  /** docker: the default bridge (''= docker0, 'none' = no bridge). */
  readonly runtime_docker_bridge: string;
  /** docker: manage iptables / masquerade. Off: kube-proxy and flannel own the NAT rules (Kubespray's default). */
  readonly runtime_docker_iptables: boolean;
  readonly runtime_docker_ip_masq: boolean;
  /** docker: MTU of its bridge; 1450 fits inside flannel's VXLAN (1500 - 50). */
  readonly runtime_docker_mtu: number;
  /** docker: storage driver ('' = docker's choice, overlay2; `vfs` where the root is an overlay). */
  readonly runtime_docker_storage_driver: string;
  readonly runtime_docker_log_driver: string;
  readonly runtime_docker_log_opts: Readonly<Record<string, string>>;
  /** More daemon.json keys, merged last. */
  readonly runtime_docker_extra: Readonly<Record<string, unknown>>;
  /** cri-dockerd with docker: 'auto' = when the table's Kubernetes is >= 1.24 (dockershim was removed then). */
  readonly runtime_cri_dockerd: 'auto' | boolean;
  /** Where downloaded binaries (cri-dockerd) go. */
  readonly runtime_bin_dir: string;
}

export const defaults: RuntimeVars = {
  ...runtimeChoiceDefaults,
  ...artifactDefaults,
  ...cniDefaults,
  runtime_sandbox_image: 'registry.k8s.io/pause:3.10',
  runtime_containerd_packages: { debian: ['containerd', 'runc'], redhat: ['containerd.io'] },
  runtime_docker_packages: { debian: ['docker.io'], redhat: ['docker-ce', 'docker-ce-cli', 'containerd.io'] },
  runtime_package_versions: {},
  runtime_docker_repo: true,
  runtime_docker_repo_baseurl: 'https://download.docker.com/linux/centos/$releasever/$basearch/stable',
  runtime_containerd_config_version: 2,
  runtime_snapshotter: 'overlayfs',
  runtime_docker_bridge: '',
  runtime_docker_iptables: false,
  runtime_docker_ip_masq: false,
  runtime_docker_mtu: 1450,
  runtime_docker_storage_driver: '',
  runtime_docker_log_driver: 'json-file',
  runtime_docker_log_opts: { 'max-size': '50m', 'max-file': '5' },
  runtime_docker_extra: {},
  runtime_cri_dockerd: 'auto',
  runtime_bin_dir: '/usr/local/bin',
};

const packageName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9+._:-]*$/, 'expected a package name');
const packages = z.object({ debian: z.array(packageName), redhat: z.array(packageName) });
const absDir = z.string().regex(/^\/[^\s"'\\]*$/, 'expected an absolute path without spaces or quotes');
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a name: letters, digits, . _ -');
/** registry/repo:tag or @sha256 digest; no spaces or quotes (it goes into TOML and a command line). */
const image = z.string().regex(/^[a-z0-9][a-z0-9._\/:-]*(@sha256:[0-9a-f]{64})?$/, 'expected an image reference such as registry.k8s.io/pause:3.10');

export const schema: z.ZodType<RuntimeVars> = z.object({
  ...runtimeChoiceShape,
  ...artifactShape,
  ...cniShape,
  runtime_sandbox_image: image,
  runtime_containerd_packages: packages,
  runtime_docker_packages: packages,
  runtime_package_versions: z.record(packageName, z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.+~:_-]*$/, 'expected a package version such as 1.7.27-3.1.el9')),
  runtime_docker_repo: z.boolean(),
  runtime_docker_repo_baseurl: z.string().regex(/^(https?|file):\/\/\S+$/, 'expected an http(s):// or file:// URL'),
  // -e passes a string (coerced to the default's type, a number): 2 or 3.
  runtime_containerd_config_version: z.union([z.literal(2), z.literal(3)], { error: 'expected 2 (containerd 1.6, 1.7) or 3 (containerd 2.1 and later)' }),
  runtime_snapshotter: name,
  runtime_docker_bridge: z.union([z.literal(''), name]),
  runtime_docker_iptables: z.boolean(),
  runtime_docker_ip_masq: z.boolean(),
  runtime_docker_mtu: z.number().int().min(576).max(9216),
  runtime_docker_storage_driver: z.union([z.literal(''), name]),
  runtime_docker_log_driver: name,
  runtime_docker_log_opts: z.record(z.string(), z.string()),
  runtime_docker_extra: z.record(z.string(), z.unknown()),
  // -e passes a string (coerced to the default's type, which is 'auto'): read "true"/"false" as booleans.
  runtime_cri_dockerd: z.preprocess((x) => (x === 'true' ? true : x === 'false' ? false : x), z.union([z.literal('auto'), z.boolean()], { error: 'expected "auto", true or false' })),
  runtime_bin_dir: absDir,
}).refine((v) => !(v.runtime_docker_ip_masq && !v.runtime_docker_iptables), {
  message: 'ip-masq needs iptables: docker masquerades with its own iptables rules',
  path: ['runtime_docker_ip_masq'],
}) as unknown as z.ZodType<RuntimeVars>;
