/**
 * How etcd gets onto the host: the distro's packages (names per OS family, picked from the gathered
 * facts) or the release tarball through the `artifact` resource (fetched once on the controller,
 * sha256-verified, cached, pushed; etcd and etcdctl extracted into etcd_release.bin_dir).
 */
import { artifact, defineResource, pkg, q, type AnyResource, type HostFacts } from '../../lib/index.js';
import { RESTART } from './restart.js';
import type { EtcdVars, FamilyPackages } from './vars.js';

/** Packages whose names depend on the OS family: asked about all at once, the family's list checked. */
export function familyPackages(lists: FamilyPackages): AnyResource {
  const all = [...new Set([...lists.debian, ...lists.redhat])];
  const per = {
    debian: lists.debian.length ? pkg({ names: lists.debian }) : undefined,
    redhat: lists.redhat.length ? pkg({ names: lists.redhat }) : undefined,
  };
  const pick = (facts: HostFacts) => {
    if (facts.os.family === 'unknown') throw new Error(`no etcd package list for OS "${facts.os.id}" (etcd_packages has debian and redhat)`);
    return per[facts.os.family];
  };
  return defineResource({
    id: `package:${all.join(',')}`,
    reads: all.map((n) => `pkg:${n}`),
    writes: all.map((n) => `pkg:${n}`),
    queries: [q.packages(all)],
    check: ([have], facts) => pick(facts)?.check([have], facts) ?? [],
    apply: ([have], facts, changes) => pick(facts)?.apply([have], facts, changes) ?? [],
  });
}

/** The release URL with version and arch filled in. */
export const releaseUrl = (r: EtcdVars['etcd_release']): string => r.url.replaceAll('{version}', r.version).replaceAll('{arch}', r.arch);

/** The resources that install etcd, or [] when the package lists are empty (installed by other means). */
export function install(v: EtcdVars): AnyResource[] {
  if (v.etcd_install === 'package') return v.etcd_packages.debian.length + v.etcd_packages.redhat.length ? [familyPackages(v.etcd_packages)] : [];
  const r = v.etcd_release;
  const top = `etcd-v${r.version}-linux-${r.arch}`;
  return [artifact({ url: releaseUrl(r), sha256: r.sha256, extract: { files: [`${top}/etcd`, `${top}/etcdctl`], dest: r.bin_dir }, mode: 0o755, notify: RESTART })];
}
