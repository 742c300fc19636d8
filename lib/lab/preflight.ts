/** Can the lab run here? Each check fails with what is wrong and what to do about it. */
import { existsSync } from 'node:fs';
import { mkdir, statfs } from 'node:fs/promises';
import { LabError, runQuiet } from './run.js';

export interface Machine {
  readonly platform: string;
  readonly uid: number;
  readonly freeBytes: number;
  readonly hasNamespaces: boolean;
}

const GB = 1024 ** 3;

/** Pure: the problems with a machine for a lab that does or does not still need its image built. */
export function problems(m: Machine, needImage: boolean, root: string): string[] {
  const out: string[] = [];
  if (m.platform !== 'linux') out.push(`the lab needs Linux (systemd-nspawn); this is ${m.platform}`);
  if (m.uid !== 0) out.push('the lab needs root (it mounts overlays, creates a bridge and boots containers): run it with sudo');
  // Without root the namespace probe fails anyway: only report it when root cannot make them.
  if (m.uid === 0 && !m.hasNamespaces)
    out.push('this kernel does not let us create network/mount/PID namespaces (`unshare -nmp true` failed); containers cannot boot here');
  const need = needImage ? 3 * GB : 0.5 * GB;
  if (m.freeBytes < need)
    out.push(`${root} has ${(m.freeBytes / GB).toFixed(1)} GB free; the lab needs at least ${need / GB} GB${needImage ? ' to build its image' : ''}`);
  return out;
}

/** Look at this machine. */
export async function inspect(root: string): Promise<Machine> {
  const uid = process.getuid?.() ?? -1;
  if (process.platform !== 'linux') return { platform: process.platform, uid, freeBytes: Infinity, hasNamespaces: false };
  await mkdir(root, { recursive: true }).catch(() => undefined);
  const fs = await statfs(existsSync(root) ? root : '/');
  const ns = await runQuiet('unshare', ['-n', '-m', '-p', '-f', 'true']);
  return { platform: process.platform, uid, freeBytes: fs.bavail * fs.bsize, hasNamespaces: ns.code === 0 };
}

/** Throw one LabError listing every problem. */
export async function preflight(root: string, needImage: boolean): Promise<void> {
  const found = problems(await inspect(root), needImage, root);
  if (found.length > 0) throw new LabError(`the lab cannot run on this machine:\n  - ${found.join('\n  - ')}`);
}
