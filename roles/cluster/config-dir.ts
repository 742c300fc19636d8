/**
 * Where the certificates and kubeconfigs live on the hosts, declared once: `k8s_config_dir` (default
 * /etc/kubernetes, kubeadm's layout; the custom-cluster guide uses /srv/kubernetes). The PKI push writes
 * there and every role that reads a file of it (flags, kubelet and kube-proxy configs, kubectl calls) asks
 * here. Cluster-wide (global vars): a role reading another dir than the one pushed would find nothing.
 */
import { absPath, ConfigError, type Cluster } from '../../lib/index.js';

export const DEFAULT_CONFIG_DIR = '/etc/kubernetes';

export interface ConfigDirVars {
  readonly k8s_config_dir: string;
}

/** Directories that hold more than the cluster's files: reset removes the config dir whole. */
const SHARED_DIRS = ['/', '/etc', '/var', '/var/lib', '/usr', '/usr/local', '/run', '/srv', '/opt', '/home', '/root', '/tmp', '/boot'];
const configDir = absPath.refine((p) => !SHARED_DIRS.includes(p), 'expected a directory of its own, not a system directory (reset removes it whole)');

export const configDirShape = {
  k8s_config_dir: configDir
    .default(DEFAULT_CONFIG_DIR)
    .describe('where the PKI (pki/ below it) and the kubeconfigs land on the hosts (/srv/kubernetes in the custom-cluster guide); cluster-wide'),
};

/** The files of the config dir that roles name. */
export interface K8sPaths {
  readonly dir: string;
  readonly pki: string;
  readonly adminConf: string;
  readonly kubeletConf: string;
  readonly kubeProxyConf: string;
  readonly addons: string;
}

export function k8sPaths(dir: string): K8sPaths {
  const d = dir.length > 1 ? dir.replace(/\/+$/, '') : dir;
  return {
    dir: d,
    pki: `${d}/pki`,
    adminConf: `${d}/admin.conf`,
    kubeletConf: `${d}/kubelet.conf`,
    kubeProxyConf: `${d}/kube-proxy.conf`,
    addons: `${d}/addons`,
  };
}

/** The k8s_config_dir value of a vars record (the inventory's global vars), checked as the roles check it. */
export function parseConfigDir(raw: unknown): string {
  const parsed = configDir.safeParse(raw ?? DEFAULT_CONFIG_DIR);
  if (!parsed.success)
    throw new ConfigError(`${parsed.error.issues[0]?.message ?? 'expected an absolute path'}, got ${JSON.stringify(raw)}`, 'vars.k8s_config_dir');
  return parsed.data;
}

/** The cluster's paths, refusing a role whose own k8s_config_dir (a role-scoped value) differs from them. */
export function pathsFor(v: ConfigDirVars, cluster: Cluster): K8sPaths {
  const paths = k8sPaths(parseConfigDir(cluster.vars['k8s_config_dir' satisfies keyof ConfigDirVars]));
  if (k8sPaths(v.k8s_config_dir).dir !== paths.dir) {
    throw new ConfigError(
      `k8s_config_dir "${v.k8s_config_dir}" for one role, but the cluster's is "${paths.dir}" (the PKI is pushed there): set k8s_config_dir once, in the inventory's global vars`,
      'vars.k8s_config_dir',
    );
  }
  return paths;
}
