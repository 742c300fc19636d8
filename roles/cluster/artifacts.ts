/**
 * The Kubernetes artifact table: which release of each component the roles install, where it is
 * downloaded from, which files of the archive they take, and the checksum its download must have.
 *
 * Each checksum says its kind ({sha256} or {sha512}): Kubernetes publishes only sha512 for its release
 * tarballs (CHANGELOG "Downloads" tables), the others publish or are pinned by sha256. The `artifact`
 * resource verifies either; hosts always compare the extracted files by sha256.
 *
 * Every field is overridable from inventory vars with `k8s_artifacts` (per component: version, url,
 * sha256 or sha512, files), so an air-gapped site points at its mirror (or pre-fills the controller cache,
 * TSPLAY_CACHE/<digest>/<file name>) and tests point at file:// stand-ins. A changed URL or version needs
 * its checksum: the table never trusts a download it has no digest for.
 *
 * Only what a role installs is here, so the table is every version a cluster runs from a release: etcd,
 * containerd and runc come from the OS packages (pin them with the roles' package versions), not from here.
 *
 * Where each checksum came from (a digest not found in a published source is not in the table):
 * - kubernetes v1.34.7 server tarball, sha512: kubernetes/kubernetes CHANGELOG/CHANGELOG-1.34.md
 *   (commit 008b3652959ca58af8be3fb5b6ecfe9ae7638282), "Server Binaries" of v1.34.7.
 * - cni-plugins v1.8.0, cri-dockerd 0.3.24, sha256: kubernetes-sigs/kubespray
 *   roles/kubespray_defaults/vars/main/checksums.yml (commit 005bdce7f1867958838a2d0bb4f7e67893d98f64):
 *   cni_binary_checksums, cri_dockerd_archive_checksums.
 * - flannel v0.27.4 flanneld binary, sha256: sysoperator/kubernetes-formula pillar/flannel.sls (commit
 *   38808a7a81ef6b827879477b2f5eb3ef5db1bd8b). Third-party pin: flannel's releases publish no checksum file.
 * - flannel-cni (the `flannel` CNI plugin, flannel-io/cni-plugin v1.9.1-flannel1, the tarball holding
 *   ./flannel-<arch>): NO checksum in the table. Its release publishes <tarball>.sha256 and .sha512 next to each
 *   download, but no digest of it was found in a source that could be read here (Kubespray installs it from
 *   its image, not a binary). Until one is added, a run that installs it is refused before any host is
 *   touched, asking for `k8s_artifacts['flannel-cni'].sha256` (or sha512) read from that file.
 */
import { z } from 'zod';
import { ConfigError } from '../../lib/index.js';

export const ARCHES = ['amd64', 'arm64'] as const;
export type Arch = (typeof ARCHES)[number];

/** A download's digest, of the kind its publisher gives. */
export type Checksum = { readonly sha256: string; readonly sha512?: undefined } | { readonly sha512: string; readonly sha256?: undefined };

export interface TableEntry {
  readonly version: string;
  readonly url: (version: string, arch: Arch) => string;
  /** Binary name -> archive member; a download that is the binary itself has one member, ''. */
  readonly files: (version: string, arch: Arch) => Readonly<Record<string, string>>;
  /** Digests of `version`, per arch (an arch without one must be given a checksum in k8s_artifacts). */
  readonly checksums: Readonly<Partial<Record<Arch, Checksum>>>;
  /** Where the publisher puts the digest the table lacks, for the refusal's message. */
  readonly publishedAt?: (url: string) => string;
}

const KUBE_SERVER = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy', 'kubectl'];
const gh = (repo: string, tag: string, file: string) => `https://github.com/${repo}/releases/download/${tag}/${file}`;
const under = (dir: string, names: readonly string[]) => Object.fromEntries(names.map((n) => [n, `${dir}${n}`]));

export const TABLE = {
  kubernetes: {
    version: '1.34.7',
    url: (v, a) => `https://dl.k8s.io/v${v}/kubernetes-server-linux-${a}.tar.gz`,
    files: () => under('kubernetes/server/bin/', KUBE_SERVER),
    checksums: {
      amd64: { sha512: 'baaf8dd4ff110a384e9dfe3db54a85a04223074fd13da32a38f9883a12b93bcd26ae4d666bbc2f37724f0a6631f3d2e4ddb97caaf909906711a824afd70cec81' },
      arm64: { sha512: '06fa3ac02fa8e90f406d2a054c85d11ad8e323b70aaf158acc0e68da3296490168ec2c7ee6f61bf4e3b14adad5f33f62feeeaf5974b9417b2d34a771e013d4f3' },
    },
  },
  flannel: {
    version: '0.27.4',
    url: (v, a) => gh('flannel-io/flannel', `v${v}`, `flanneld-${a}`),
    files: () => ({ flanneld: '' }),
    checksums: {
      amd64: { sha256: 'fc1233aac3ad2707d14c9ae42016b5402753f755f0d07cc5c41dc4190e95d299' },
      arm64: { sha256: 'aa4f59bff09603ad10634c5a930afa57631dd99d8da0b7baeaadc655f00831b7' },
    },
  },
  'cni-plugins': {
    version: '1.8.0',
    url: (v, a) => gh('containernetworking/plugins', `v${v}`, `cni-plugins-linux-${a}-v${v}.tgz`),
    files: () => under('./', ['bridge', 'host-local', 'loopback', 'portmap', 'bandwidth', 'firewall']),
    checksums: {
      amd64: { sha256: 'ab3bda535f9d90766cccc90d3dddb5482003dd744d7f22bcf98186bf8eea8be6' },
      arm64: { sha256: '57ce466fc3b79db1f19b8f4c63e07a1112306efa53c94fe810a2150dd9e07ddb' },
    },
  },
  'flannel-cni': {
    version: '1.9.1-flannel1',
    // Since v1.9.0 the tarball is named after the plugins version without the -flannelN suffix.
    url: (v, a) => gh('flannel-io/cni-plugin', `v${v}`, `cni-plugin-flannel-linux-${a}-v${v.replace(/-flannel\d+$/, '')}.tgz`),
    files: (_v, a) => ({ flannel: `./flannel-${a}` }),
    checksums: {},
    publishedAt: (url) => `${url}.sha256`,
  },
  'cri-dockerd': {
    version: '0.3.24',
    url: (v, a) => gh('Mirantis/cri-dockerd', `v${v}`, `cri-dockerd-${v}.${a}.tgz`),
    files: () => ({ 'cri-dockerd': 'cri-dockerd/cri-dockerd' }),
    checksums: {
      amd64: { sha256: 'dd4b7f514c248a3aaca398f467430a4c58aae9a77ea8b96a2f5b5d6fba0948d1' },
      arm64: { sha256: 'c783a03735887c4a8fc894bd4cf7a1c0defef3ecf50a4d79ff31eed45c26b17e' },
    },
  },
} as const satisfies Record<string, TableEntry>;

export type Component = keyof typeof TABLE;
export const COMPONENTS = Object.keys(TABLE) as Component[];

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`), `expected ${n} lowercase hex digits`);
const override = z
  .strictObject({
    version: z
      .string()
      .regex(/^[0-9A-Za-z.+-]+$/, 'expected a version such as 1.34.7')
      .optional(),
    url: z
      .string()
      .regex(/^(https?|file):\/\/\S+$/, 'expected an http(s):// or file:// URL')
      .optional(),
    sha256: hex(64).optional(),
    sha512: hex(128).optional(),
    /** Binary name -> archive member ('' when the download is the binary), for a mirror laid out differently. */
    files: z.record(z.string(), z.string()).optional(),
  })
  .refine((o) => !(o.sha256 && o.sha512), 'give sha256 or sha512, not both');

/** The zod schema of `k8s_artifacts`: known components only, each field checked. */
// fromEntries loses the keys' names: the shape's type is stated, the schema's (and so ArtifactOverrides) inferred from it.
export const artifactOverridesSchema = z.strictObject(
  Object.fromEntries(COMPONENTS.map((c) => [c, override.optional()])) as Record<Component, z.ZodOptional<typeof override>>,
);
/** One component's override in `k8s_artifacts`. */
export type ArtifactOverride = z.infer<typeof override>;
export type ArtifactOverrides = Readonly<z.infer<typeof artifactOverridesSchema>>;
export const archSchema = z.enum(ARCHES);

/** A component resolved for one arch: what the artifact resource needs. */
export interface ResolvedArtifact {
  readonly component: Component;
  readonly version: string;
  readonly url: string;
  readonly checksum: Checksum;
  readonly files: Readonly<Record<string, string>>;
}

/** The table entry with the inventory's override applied; refuses a download it has no checksum for. */
export function resolveArtifact(component: Component, arch: Arch, overrides: ArtifactOverrides = {}): ResolvedArtifact {
  const t: TableEntry = TABLE[component];
  const o = overrides[component] ?? {};
  const version = o.version ?? t.version;
  const url = o.url ?? t.url(version, arch);
  const given: Checksum | undefined = o.sha256 ? { sha256: o.sha256 } : o.sha512 ? { sha512: o.sha512 } : undefined;
  const field = `vars.k8s_artifacts.${component}`;
  if (!given && (o.url !== undefined || version !== t.version)) {
    throw new ConfigError(`a changed ${o.url !== undefined ? 'url' : 'version'} needs its checksum: set sha256 or sha512 of ${url}`, field);
  }
  const checksum = given ?? t.checksums[arch];
  if (!checksum)
    throw new ConfigError(
      `the table has no checksum for ${component} ${version} on ${arch}: set sha256 or sha512 of ${url}${t.publishedAt ? ` (published in ${t.publishedAt(url)})` : ''}`,
      field,
    );
  return { component, version, url, checksum, files: o.files ?? t.files(version, arch) };
}

/** The archive members of `names`, refusing a name the component does not ship. */
export function membersOf(a: ResolvedArtifact, names: readonly string[]): string[] {
  return names.map((n) => {
    const m = a.files[n];
    if (m === undefined)
      throw new ConfigError(`${a.component} has no file "${n}" (it has ${Object.keys(a.files).join(', ')})`, `vars.k8s_artifacts.${a.component}.files`);
    return m;
  });
}
