/** etcd vars: how etcd is installed, where it keeps its data, its ports and its cluster identity. */
import { z } from 'zod';

/** Package names per OS family. */
export interface FamilyPackages {
  readonly debian: readonly string[];
  readonly redhat: readonly string[];
}

/** A release tarball from github.com/etcd-io/etcd, pushed through the `artifact` resource (sha256-verified, cached on the controller). */
export interface EtcdRelease {
  readonly version: string;
  /** `{version}` and `{arch}` are filled in. */
  readonly url: string;
  /** Required with etcd_install 'release': the tarball's sha256 (etcd publishes SHA256SUMS per release). */
  readonly sha256: string;
  readonly arch: 'amd64' | 'arm64' | 'ppc64le' | 's390x';
  /** Where etcd and etcdctl land. */
  readonly bin_dir: string;
}

export interface EtcdVars {
  /** 'package': the distro's etcd (Debian etcd-server + etcd-client, RHEL etcd). 'release': etcd_release's tarball. */
  readonly etcd_install: 'package' | 'release';
  readonly etcd_packages: FamilyPackages;
  readonly etcd_release: EtcdRelease;
  /** The member's data (WAL and snapshots); kept at mode 0700 (etcd refuses looser in recent versions). */
  readonly etcd_data_dir: string;
  /** Holds etcd.env (the member's flags as ETCD_* variables) and etcdctl.env (for operators). */
  readonly etcd_config_dir: string;
  readonly etcd_client_port: number;
  readonly etcd_peer_port: number;
  /** Plain-HTTP /metrics and /health on loopback (kubeadm's choice); '' for none. */
  readonly etcd_metrics_url: string;
  /** Initial cluster token; '' means `<cluster_name>-etcd`. */
  readonly etcd_cluster_token: string;
  /**
   * 'new' bootstraps every member together (what the first run needs). It only matters while a member's
   * data dir is empty: a member that already has data ignores it. Set 'existing' once the cluster runs if
   * you want a wiped member to refuse to start rather than try a fresh bootstrap (kubespray#13261).
   */
  readonly etcd_initial_cluster_state: 'new' | 'existing';
  /** Where pkiFiles puts the certificates: <dir>/pki/etcd/{ca,server,peer}.* (kubeadm's layout). */
  readonly etcd_pki_root: string;
  /** More ETCD_* settings, e.g. { ETCD_QUOTA_BACKEND_BYTES: '8589934592' }. They may not override the managed ones. */
  readonly etcd_extra_env: Readonly<Record<string, string>>;
  /** systemd TimeoutStartSec: a first member waits this long for the others to form a quorum. */
  readonly etcd_start_timeout_sec: number;
}

export const defaults: EtcdVars = {
  etcd_install: 'package',
  etcd_packages: { debian: ['etcd-server', 'etcd-client'], redhat: ['etcd'] },
  etcd_release: {
    version: '3.5.17',
    url: 'https://github.com/etcd-io/etcd/releases/download/v{version}/etcd-v{version}-linux-{arch}.tar.gz',
    sha256: '',
    arch: 'amd64',
    bin_dir: '/usr/local/bin',
  },
  etcd_data_dir: '/var/lib/etcd',
  etcd_config_dir: '/etc/etcd',
  etcd_client_port: 2379,
  etcd_peer_port: 2380,
  etcd_metrics_url: 'http://127.0.0.1:2381',
  etcd_cluster_token: '',
  etcd_initial_cluster_state: 'new',
  etcd_pki_root: '/etc/kubernetes',
  etcd_extra_env: {},
  etcd_start_timeout_sec: 120,
};

const absPath = z.string().regex(/^\/[A-Za-z0-9._/-]*$/, 'expected an absolute path (letters, digits, . _ - /)').refine((p) => !p.split('/').includes('..'), 'expected a path without ".."');
const port = z.number().int().min(1).max(65535);
const packageName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9+._:-]*$/, 'expected a package name');
const HEX64 = /^[0-9a-f]{64}$/;

export const schema: z.ZodType<EtcdVars> = z.object({
  etcd_install: z.enum(['package', 'release']),
  etcd_packages: z.object({ debian: z.array(packageName), redhat: z.array(packageName) }),
  etcd_release: z.object({
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'expected a version such as 3.5.17'),
    url: z.string().regex(/^https?:\/\/\S+$/, 'expected an http(s) URL'),
    sha256: z.union([z.literal(''), z.string().regex(HEX64, 'expected 64 lowercase hex digits')]),
    arch: z.enum(['amd64', 'arm64', 'ppc64le', 's390x']),
    bin_dir: absPath,
  }),
  etcd_data_dir: absPath,
  etcd_config_dir: absPath,
  etcd_client_port: port,
  etcd_peer_port: port,
  etcd_metrics_url: z.union([z.literal(''), z.string().regex(/^https?:\/\/[^\s,]+:\d+$/, 'expected a URL such as http://127.0.0.1:2381')]),
  etcd_cluster_token: z.union([z.literal(''), z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected letters, digits, . _ -')]),
  etcd_initial_cluster_state: z.enum(['new', 'existing']),
  etcd_pki_root: absPath,
  etcd_extra_env: z.record(z.string(), z.string().regex(/^[^\n]*$/, 'expected a single line')).superRefine((rec, ctx) => {
    for (const k of Object.keys(rec)) if (!/^ETCD_[A-Z0-9_]+$/.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: 'expected an ETCD_* variable name' });
  }),
  etcd_start_timeout_sec: z.number().int().min(10),
}).superRefine((v, ctx) => {
  if (v.etcd_client_port === v.etcd_peer_port) ctx.addIssue({ code: 'custom', path: ['etcd_peer_port'], message: `must differ from etcd_client_port (${v.etcd_client_port})` });
  if (v.etcd_install === 'release' && v.etcd_release.sha256 === '') ctx.addIssue({ code: 'custom', path: ['etcd_release', 'sha256'], message: "required with etcd_install 'release' (the tarball's sha256 from the release's SHA256SUMS)" });
}) as unknown as z.ZodType<EtcdVars>;
