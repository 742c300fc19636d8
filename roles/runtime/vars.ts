/**
 * runtime vars. `container_runtime`, `cgroup_driver`, `k8s_arch` and `k8s_artifacts` are cluster-wide (roles/cluster/shared-vars.ts)
 * (the kubelet role reads the same names, so set them once in the inventory's global vars), and so are
 * `cni_bin_dir` and `cni_conf_dir` (roles/cluster/cni-vars.ts: flannel reads them too); the rest are
 * prefixed `runtime_`.
 */
import { z } from 'zod';
import { absPath, declareVars, familyPackages, orEmpty, packageName, type VarsOf } from '../../lib/index.js';
import { cniVarShape } from '../cluster/cni-vars.js';
import { artifactVarShape, runtimeChoiceVarShape } from '../cluster/shared-vars.js';

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a name: letters, digits, . _ -');
/** registry/repo:tag or @sha256 digest; no spaces or quotes (it goes into TOML and a command line). */
const image = z.string().regex(/^[a-z0-9][a-z0-9._/:-]*(@sha256:[0-9a-f]{64})?$/, 'expected an image reference such as registry.k8s.io/pause:3.10');

export const vars = declareVars(
  z.object({
    ...runtimeChoiceVarShape,
    ...artifactVarShape,
    ...cniVarShape,
    runtime_sandbox_image: image.default('registry.k8s.io/pause:3.10').describe('the pod sandbox ("pause") image the runtime uses for every pod'),
    runtime_containerd_packages: familyPackages
      .default({ debian: ['containerd', 'runc'], redhat: ['containerd.io'] })
      .describe('containerd package names per OS family'),
    runtime_docker_packages: familyPackages
      .default({ debian: ['docker.io'], redhat: ['docker-ce', 'docker-ce-cli', 'containerd.io'] })
      .describe('docker package names per OS family'),
    runtime_package_versions: z
      .record(packageName, z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.+~:_-]*$/, 'expected a package version such as 1.7.27-3.1.el9'))
      .default({})
      .describe("exact versions as dpkg-query / rpm report them (e.g. { 'containerd.io': '1.7.27-3.1.el9' }); {} = what the repository has"),
    runtime_docker_repo: z
      .boolean()
      .default(true)
      .describe("RHEL family: Docker's dnf repository, signed by Docker's key; false where a mirror or satellite already provides the packages"),
    runtime_docker_repo_baseurl: z
      .string()
      .regex(/^(https?|file):\/\/\S+$/, 'expected an http(s):// or file:// URL')
      .default('https://download.docker.com/linux/centos/$releasever/$basearch/stable')
      .describe("its baseurl: Docker's, or a mirror laid out like it (dnf expands $releasever and $basearch)"),
    // 2: containerd 1.6 and 1.7 (2.x migrates it when it loads); 3: containerd 2.1+ natively (the CRI plugin split, CNI `bin_dirs`).
    // -e passes a string (coerced to the default's type, a number): 2 or 3.
    runtime_containerd_config_version: z
      .union([z.literal(2), z.literal(3)], { error: 'expected 2 (containerd 1.6, 1.7) or 3 (containerd 2.1 and later)' })
      .default(2)
      .describe('the config.toml layout: 2 (containerd 1.6, 1.7) or 3 (containerd 2.1 and later)'),
    runtime_snapshotter: name
      .default('overlayfs')
      .describe('containerd snapshotter: overlayfs; native where the root is itself an overlay (containers, the lab)'),
    runtime_docker_bridge: orEmpty(name).default('').describe("docker: the default bridge ('' = docker0, 'none' = no bridge)"),
    runtime_docker_iptables: z
      .boolean()
      .default(false)
      .describe("docker: manage iptables; off: kube-proxy and flannel own the NAT rules (Kubespray's default)"),
    runtime_docker_ip_masq: z.boolean().default(false).describe('docker: masquerade (needs runtime_docker_iptables)'),
    runtime_docker_mtu: z.number().int().min(576).max(9216).default(1450).describe("docker: MTU of its bridge; 1450 fits inside flannel's VXLAN (1500 - 50)"),
    runtime_docker_storage_driver: orEmpty(name)
      .default('')
      .describe("docker: storage driver ('' = docker's choice, overlay2; vfs where the root is an overlay)"),
    runtime_docker_log_driver: name.default('json-file').describe('docker: log driver'),
    runtime_docker_log_opts: z.record(z.string(), z.string()).default({ 'max-size': '50m', 'max-file': '5' }).describe('docker: log driver options'),
    runtime_docker_extra: z.record(z.string(), z.unknown()).default({}).describe('more daemon.json keys, merged last'),
    // -e passes a string (coerced to the default's type, which is 'auto'): read "true"/"false" as booleans.
    runtime_cri_dockerd: z
      .preprocess(
        (x) => (x === 'true' ? true : x === 'false' ? false : x),
        z.union([z.literal('auto'), z.boolean()], { error: 'expected "auto", true or false' }),
      )
      .default('auto')
      .describe("cri-dockerd with docker: 'auto' = when the table's Kubernetes is >= 1.24 (dockershim was removed then)"),
    runtime_bin_dir: absPath.default('/usr/local/bin').describe('where downloaded binaries (cri-dockerd) go'),
  }),
  (v, ctx) => {
    if (v.runtime_docker_ip_masq && !v.runtime_docker_iptables)
      ctx.addIssue({ code: 'custom', path: ['runtime_docker_ip_masq'], message: 'ip-masq needs iptables: docker masquerades with its own iptables rules' });
  },
);

export type RuntimeVars = VarsOf<typeof vars>;
export type FamilyPackages = RuntimeVars['runtime_containerd_packages'];
export const { defaults, schema } = vars;
