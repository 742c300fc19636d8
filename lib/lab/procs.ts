/**
 * Finding what a lab left running: nspawn processes and container processes whose root is under the lab's
 * hosts directory, and overlay mounts there. Read from /proc, so a lab killed without its state is found too.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface LabProcess {
  readonly pid: number;
  /** The host directory name it belongs to (lab-3). */
  readonly host: string;
  readonly kind: 'nspawn' | 'container';
}

const hostUnder = (hostsDir: string, path: string): string | undefined =>
  path.startsWith(`${hostsDir}/`) ? path.slice(hostsDir.length + 1).split('/')[0] : undefined;

/** The host an nspawn command line serves, when its -D/--directory is under hostsDir. */
export function nspawnHost(cmdline: readonly string[], hostsDir: string): string | undefined {
  if (!(cmdline[0] ?? '').endsWith('systemd-nspawn')) return undefined;
  for (let i = 1; i < cmdline.length; i++) {
    const arg = cmdline[i]!;
    const dir = arg === '-D' || arg === '--directory' ? cmdline[i + 1] : arg.startsWith('--directory=') ? arg.slice(12) : undefined;
    if (dir) return hostUnder(hostsDir, dir);
  }
  return undefined;
}

/** Every live process of the lab, nspawn supervisors and processes inside hosts alike. */
export function labProcesses(hostsDir: string): LabProcess[] {
  const out: LabProcess[] = [];
  const ownMnt = readlinkSync('/proc/self/ns/mnt');
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0');
      const host = nspawnHost(cmd, hostsDir);
      if (host) { out.push({ pid, host, kind: 'nspawn' }); continue; }
      if (readlinkSync(`/proc/${pid}/ns/mnt`) === ownMnt) continue;
      const inside = containerHost(readFileSync(`/proc/${pid}/mountinfo`, 'utf8'), hostsDir);
      if (inside) out.push({ pid, host: inside, kind: 'container' });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/**
 * The lab host a process lives in, from its own mountinfo: its root is an overlay whose upperdir is under
 * hostsDir. (Its /proc/PID/root reads "/" from here, since it lives in another mount namespace.)
 */
export function containerHost(mountinfo: string, hostsDir: string): string | undefined {
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    if (f[4] !== '/') continue;
    const m = /(?:^|,)upperdir=([^,]+)/.exec(f[f.length - 1] ?? '');
    if (m) return hostUnder(hostsDir, m[1]!);
  }
  return undefined;
}

/** Mount points under hostsDir, deepest first (so nested mounts come off before their parents). */
export function parseLabMounts(mountinfo: string, hostsDir: string): string[] {
  const points = mountinfo.split('\n').map((l) => l.split(' ')[4]).filter((p): p is string => !!p)
    .map((p) => p.replace(/\\040/g, ' ')).filter((p) => p.startsWith(`${hostsDir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

export const labMounts = (hostsDir: string): string[] => parseLabMounts(readFileSync('/proc/self/mountinfo', 'utf8'), hostsDir);

export const alive = (pid: number): boolean => {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'latin1').includes(') Z ');
  } catch {
    return false;
  }
};
