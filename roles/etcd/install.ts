/**
 * How etcd gets onto the host: the distro's packages (names per OS family, picked from the gathered
 * facts) or the release tarball through the `artifact` resource (fetched once on the controller,
 * sha256-verified, cached, pushed; etcd and etcdctl extracted into etcd_release.bin_dir).
 */
import { artifact, pkg, type AnyResource } from '../../lib/index.js';
import { RESTART } from './restart.js';
import type { EtcdVars } from './vars.js';

/** The release URL with version and arch filled in. */
export const releaseUrl = (r: EtcdVars['etcd_release']): string => r.url.replaceAll('{version}', r.version).replaceAll('{arch}', r.arch);

/** The resources that install etcd, or [] when the package lists are empty (installed by other means). */
export function install(v: EtcdVars): AnyResource[] {
  if (v.etcd_install === 'package') return v.etcd_packages.debian.length + v.etcd_packages.redhat.length ? [pkg({ names: v.etcd_packages })] : [];
  const r = v.etcd_release;
  const top = `etcd-v${r.version}-linux-${r.arch}`;
  return [
    artifact({ url: releaseUrl(r), sha256: r.sha256, extract: { files: [`${top}/etcd`, `${top}/etcdctl`], dest: r.bin_dir }, mode: 0o755, notify: RESTART }),
  ];
}
