/**
 * Credentials of hosts no longer in the spec: a removed node's kubelet certificate and kubeconfig, a
 * removed etcd member's server and peer pairs, flannel's etcd client once its option is off. They stay
 * valid until they expire (Kubernetes has no revocation), so apply mode deletes them and check mode names
 * them. Only file names tsplay itself writes are considered: nothing else in the directory is touched.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

const PER_HOST: readonly RegExp[] = [
  /^kubelets\/[^/]+\.(crt|key)$/,
  /^kubeconfigs\/kubelet-[^/]+\.conf$/,
  /^etcd\/[^/]+-(server|peer)\.(crt|key)$/,
  /^etcd\/flannel-client\.(crt|key)$/,
];
const DIRS = ['kubelets', 'kubeconfigs', 'etcd'];

/** Files under `dir` of that kind that `wanted` (paths relative to dir) does not hold, sorted. */
export async function staleFiles(dir: string, wanted: ReadonlySet<string>): Promise<string[]> {
  const found = await Promise.all(
    DIRS.map(async (d) => {
      try {
        return (await readdir(join(dir, d))).map((f) => `${d}/${f}`);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
    }),
  );
  return found
    .flat()
    .filter((f) => PER_HOST.some((p) => p.test(f)) && !wanted.has(f))
    .sort();
}

/** The stale files grouped as one item each: `kubelets/node-3` for its .crt and .key. */
export function groupStale(files: readonly string[]): { id: string; files: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const f of files) {
    const id = f.replace(/\.(crt|key|conf)$/, '');
    groups.set(id, [...(groups.get(id) ?? []), f]);
  }
  return [...groups].map(([id, fs]) => ({ id, files: fs }));
}

export async function removeStale(dir: string, files: readonly string[]): Promise<void> {
  await Promise.all(files.map((f) => rm(join(dir, f), { force: true })));
}
