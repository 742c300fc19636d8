/** Where the lab keeps its images, hosts and state, and the fixed facts of its network. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LabPaths {
  readonly root: string;
  readonly images: string;
  readonly hosts: string;
  readonly state: string;
  readonly key: string;
  readonly knownHosts: string;
  readonly inventory: string;
}

/** The lab's files under `root` (default /var/lib/tsplay/lab, or $TSPLAY_LAB_DIR). */
export function labPaths(root = process.env.TSPLAY_LAB_DIR ?? '/var/lib/tsplay/lab'): LabPaths {
  return {
    root,
    images: join(root, 'images'),
    hosts: join(root, 'hosts'),
    state: join(root, 'state.json'),
    key: join(root, 'id_ed25519'),
    knownHosts: join(root, 'known_hosts'),
    inventory: fileURLToPath(new URL('../../inventory/lab.ts', import.meta.url)),
  };
}

/** Per-host directories: the overlay's upper and work dirs and the merged root the host boots from. */
export function hostDirs(paths: LabPaths, name: string) {
  const dir = join(paths.hosts, name);
  return { dir, upper: join(dir, 'upper'), work: join(dir, 'work'), root: join(dir, 'root'), log: join(dir, 'boot.log') };
}
