/**
 * Each host's own cgroup. On a machine without systemd as PID 1, every nspawn would otherwise share the
 * root cgroup and put all hosts' systemd trees in one "payload" group; one host removing an empty unit
 * group then makes another host's unit fail with 219/CGROUP. So each nspawn starts in tsplay-lab/NAME.
 */
import { existsSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The hierarchies systemd in a host uses: the named v1 one and the unified (v2) one, when mounted. */
const HIERARCHIES = ['/sys/fs/cgroup/systemd', '/sys/fs/cgroup/unified', '/sys/fs/cgroup'];

const hierarchies = (): string[] => HIERARCHIES.filter((h) => existsSync(join(h, 'cgroup.procs')));

/** Create the host's cgroup in each hierarchy; returns the cgroup.procs files to join. */
export async function hostCgroups(name: string): Promise<string[]> {
  const dirs = hierarchies().map((h) => join(h, 'tsplay-lab', name));
  for (const d of dirs) await mkdir(d, { recursive: true });
  return dirs.map((d) => join(d, 'cgroup.procs'));
}

/** Remove a stopped host's cgroups (empty groups only, deepest first). */
export function removeHostCgroups(name: string): void {
  for (const h of hierarchies()) removeTree(join(h, 'tsplay-lab', name));
}

function removeTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) removeTree(p);
  }
  try {
    rmdirSync(dir);
  } catch {
    // still has processes: the caller reports what is left
  }
}

/** Shell prefix that moves the shell into the cgroups and execs the rest, so the pid stays nspawn's. */
export const joinAndExec = (procsFiles: readonly string[]): string => `${procsFiles.map((f) => `echo $$ > '${f}' && `).join('')}exec "$@"`;

/** After the last host is gone: remove the lab's parent group too. */
export function removeLabCgroups(): void {
  for (const h of hierarchies()) removeTree(join(h, 'tsplay-lab'));
}
