/**
 * The CNI directories, one value for every role: the runtime role installs the standard plugins into
 * `cni_bin_dir` and tells containerd (or cri-dockerd) to read plugins there and network configs from
 * `cni_conf_dir`; the flannel role puts its plugin and conflist there and its gate checks them where the
 * runtime reads. Two values for one host (a role-scoped override, or a var name from before this one home)
 * would leave the pod network unreadable, so they are refused before any host is touched.
 */
import { z } from 'zod';
import { ConfigError, type Host } from '../../lib/index.js';

export interface CniVars {
  /** Where the CNI plugin binaries are (the upstream and containerd default, /opt/cni/bin). */
  readonly cni_bin_dir: string;
  /** Where the network configs (conflists) are. */
  readonly cni_conf_dir: string;
}

export const cniDefaults: CniVars = { cni_bin_dir: '/opt/cni/bin', cni_conf_dir: '/etc/cni/net.d' };

const absDir = z.string().regex(/^\/[^\s"'\\]*$/, 'expected an absolute path without spaces or quotes');
export const cniShape = { cni_bin_dir: absDir, cni_conf_dir: absDir };
/** The same, declared with defaults and descriptions: spread into a role's declareVars object. */
export const cniVarShape = {
  cni_bin_dir: absDir.default(cniDefaults.cni_bin_dir).describe('where the CNI plugin binaries are (the upstream and containerd default, /opt/cni/bin)'),
  cni_conf_dir: absDir.default(cniDefaults.cni_conf_dir).describe('where the network configs (conflists) are'),
};

/** The roles that read the CNI dirs: a value scoped under one of them would differ from the others'. */
const READERS = ['runtime', 'flannel'] as const;
/** The names these vars had before they had one home: still set, they would be silently ignored. */
const RENAMED: Readonly<Record<string, keyof CniVars>> = {
  runtime_cni_bin_dir: 'cni_bin_dir',
  flannel_cni_bin_dir: 'cni_bin_dir',
  runtime_cni_conf_dir: 'cni_conf_dir',
  flannel_cni_conf_dir: 'cni_conf_dir',
};

/** Throws unless every role on `host` reads the same CNI dirs (pure: reads only the host's inventory vars). */
export function checkCniVars(host: Host): void {
  const vars = host.vars;
  const scopes: [string, Readonly<Record<string, unknown>>][] = [['', vars]];
  for (const role of READERS) {
    const scoped = vars[role];
    if (scoped && typeof scoped === 'object') scopes.push([`${role}.`, scoped as Record<string, unknown>]);
  }
  for (const [prefix, from] of scopes) {
    for (const [old, now] of Object.entries(RENAMED)) {
      if (from[old] !== undefined)
        throw new ConfigError(`${old} is now ${now}, one value that the runtime and flannel both read: rename it`, `hosts.${host.name}.vars.${prefix}${old}`);
    }
  }
  for (const key of Object.keys(cniDefaults) as (keyof CniVars)[]) {
    const plain = vars[key] ?? cniDefaults[key];
    for (const [prefix, from] of scopes.slice(1)) {
      if (from[key] !== undefined && from[key] !== plain) {
        throw new ConfigError(
          `${key} ${JSON.stringify(from[key])} for one role only, but the runtime reads ${JSON.stringify(plain)}: set ${key} once, outside the role's vars`,
          `hosts.${host.name}.vars.${prefix}${key}`,
        );
      }
    }
  }
}
