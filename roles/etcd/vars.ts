/** etcd vars: how etcd is installed, where it keeps its data, its ports and its cluster identity. */
import { z } from 'zod';
import { absPath, declareVars, familyPackages, httpUrl, oneLine, orEmpty, semver, sha256, type VarsOf } from '../../lib/index.js';
import { configDirShape } from '../cluster/config-dir.js';
import { etcdPortShape } from '../cluster/shared-vars.js';

/** A release tarball from github.com/etcd-io/etcd, pushed through the `artifact` resource (sha256-verified, cached on the controller). */
const release = z.object({
  version: semver,
  /** `{version}` and `{arch}` are filled in. */
  url: httpUrl,
  /** Required with etcd_install 'release': the tarball's sha256 (etcd publishes SHA256SUMS per release). */
  sha256: orEmpty(sha256),
  arch: z.enum(['amd64', 'arm64', 'ppc64le', 's390x']),
  /** Where etcd and etcdctl land. */
  bin_dir: absPath,
});

const extraEnv = z.record(z.string(), oneLine).superRefine((rec, ctx) => {
  for (const k of Object.keys(rec)) if (!/^ETCD_[A-Z0-9_]+$/.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: 'expected an ETCD_* variable name' });
});

export const vars = declareVars(
  z.object({
    etcd_install: z
      .enum(['package', 'release'])
      .default('package')
      .describe("'package': the distro's etcd (Debian etcd-server + etcd-client, RHEL etcd); 'release': etcd_release's tarball"),
    etcd_packages: familyPackages.default({ debian: ['etcd-server', 'etcd-client'], redhat: ['etcd'] }).describe('package names per OS family'),
    etcd_release: release
      .default({
        version: '3.5.17',
        url: 'https://github.com/etcd-io/etcd/releases/download/v{version}/etcd-v{version}-linux-{arch}.tar.gz',
        sha256: '',
        arch: 'amd64',
        bin_dir: '/usr/local/bin',
      })
      .describe('the release tarball: version, url ({version} and {arch} filled in), sha256 (required with etcd_install release), arch, bin_dir'),
    etcd_data_dir: absPath.default('/var/lib/etcd').describe("the member's data (WAL and snapshots); kept at mode 0700"),
    etcd_config_dir: absPath.default('/etc/etcd').describe("holds etcd.env (the member's flags as ETCD_* variables) and etcdctl.env (for operators)"),
    ...etcdPortShape,
    etcd_metrics_url: orEmpty(z.string().regex(/^https?:\/\/[^\s,]+:\d+$/, 'expected a URL such as http://127.0.0.1:2381'))
      .default('http://127.0.0.1:2381')
      .describe("plain-HTTP /metrics and /health on loopback (kubeadm's choice); '' for none"),
    etcd_cluster_token: orEmpty(z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected letters, digits, . _ -'))
      .default('')
      .describe("initial cluster token; '' means <cluster_name>-etcd"),
    // 'new' only matters while a member's data dir is empty; 'existing' makes a wiped member refuse to bootstrap afresh (kubespray#13261).
    etcd_initial_cluster_state: z
      .enum(['new', 'existing'])
      .default('new')
      .describe("'new' bootstraps every member together; 'existing' once the cluster runs, so a wiped member refuses to start"),
    ...configDirShape,
    etcd_extra_env: extraEnv
      .default({})
      .describe('more ETCD_* settings, e.g. { ETCD_QUOTA_BACKEND_BYTES: "8589934592" }; they may not override the managed ones'),
    etcd_start_timeout_sec: z
      .number()
      .int()
      .min(10)
      .default(120)
      .describe('systemd TimeoutStartSec: a first member waits this long for the others to form a quorum'),
  }),
  (v, ctx) => {
    if (v.etcd_client_port === v.etcd_peer_port)
      ctx.addIssue({ code: 'custom', path: ['etcd_peer_port'], message: `must differ from etcd_client_port (${v.etcd_client_port})` });
    if (v.etcd_install === 'release' && v.etcd_release.sha256 === '')
      ctx.addIssue({
        code: 'custom',
        path: ['etcd_release', 'sha256'],
        message: "required with etcd_install 'release' (the tarball's sha256 from the release's SHA256SUMS)",
      });
  },
);

export type EtcdVars = VarsOf<typeof vars>;
export type EtcdRelease = EtcdVars['etcd_release'];
export const { defaults, schema } = vars;
