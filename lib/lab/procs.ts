/**
 * Finding what a lab left running: nspawn processes and container processes of each host, and overlay
 * mounts under the lab's hosts directory. Read from /proc, so a lab killed without its state is found too,
 * and a host whose nspawn died (an orphan: its systemd and services still run) is still found as that host.
 * Reading /proc (readProcTable) is apart from the pure classification (classifyProcesses), which tests
 * drive with injected process tables.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface LabProcess {
  readonly pid: number;
  /** The host directory name it belongs to (lab-3). */
  readonly host: string;
  readonly kind: 'nspawn' | 'container';
  /** PID 1 of the host's pid namespace: killing it makes the kernel kill every process in that namespace. */
  readonly init?: boolean;
}

/** What classification needs of one /proc entry. */
export interface ProcEntry {
  readonly pid: number;
  readonly cmdline: readonly string[];
  /** /proc/PID/cgroup. */
  readonly cgroup: string;
  /** Namespace links, e.g. `pid:[4026532258]`. */
  readonly pidNs: string;
  readonly mntNs: string;
  /** Its pid inside its own pid namespace (the last NSpid field): 1 for a namespace's init. */
  readonly nsPid: number;
  /** /proc/PID/mountinfo; read only for processes in another mount namespace than ours. */
  readonly mountinfo?: string;
}

/** Our own namespaces: what is in them is not inside a host. */
export interface OwnNamespaces {
  readonly pidNs: string;
  readonly mntNs: string;
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

/**
 * The host whose cgroup (tsplay-lab/NAME, see cgroup.ts) a process is in, from /proc/PID/cgroup. Every
 * process a host's nspawn starts inherits it, and processes inside the host cannot leave it.
 */
export function cgroupHost(cgroup: string): string | undefined {
  for (const line of cgroup.split('\n')) {
    const m = /^[^:]*:[^:]*:\/tsplay-lab\/([^/]+)(?:\/|$)/.exec(line);
    if (m) return m[1];
  }
  return undefined;
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

/**
 * Pure: which entries belong to which lab host. A process is a host's when it is that host's nspawn (by
 * its directory), is in that host's cgroup, has that host's overlay as its root, or shares a pid
 * namespace with a process that does (so nothing inside a host escapes by leaving its cgroup or mounts).
 */
export function classifyProcesses(table: readonly ProcEntry[], hostsDir: string, own: OwnNamespaces): LabProcess[] {
  const found = new Map<number, LabProcess>();
  const nsHost = new Map<string, string>();
  for (const p of table) {
    const nspawn = nspawnHost(p.cmdline, hostsDir);
    if (nspawn) {
      found.set(p.pid, { pid: p.pid, host: nspawn, kind: 'nspawn' });
      continue;
    }
    const host = cgroupHost(p.cgroup) ?? (p.mntNs !== own.mntNs && p.mountinfo !== undefined ? containerHost(p.mountinfo, hostsDir) : undefined);
    if (!host) continue;
    found.set(p.pid, container(p, host, own));
    if (p.pidNs !== own.pidNs) nsHost.set(p.pidNs, host);
  }
  for (const p of table) {
    const host = nsHost.get(p.pidNs);
    if (host && !found.has(p.pid)) found.set(p.pid, container(p, host, own));
  }
  return [...found.values()].sort((a, b) => a.pid - b.pid);
}

const container = (p: ProcEntry, host: string, own: OwnNamespaces): LabProcess =>
  p.pidNs !== own.pidNs && p.nsPid === 1 ? { pid: p.pid, host, kind: 'container', init: true } : { pid: p.pid, host, kind: 'container' };

/** Every process of this machine, as far as classification needs it (processes that end meanwhile are left out). */
export function readProcTable(own: OwnNamespaces = ownNamespaces()): ProcEntry[] {
  const out: ProcEntry[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'latin1');
      if (/^State:\s+Z/m.test(status)) continue; // a zombie runs nothing and holds nothing
      const nsPid = Number(/^NSpid:\s+(.*)$/m.exec(status)?.[1]?.trim().split(/\s+/).pop() ?? pid);
      const mntNs = readlinkSync(`/proc/${pid}/ns/mnt`);
      out.push({
        pid,
        nsPid,
        mntNs,
        cmdline: readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0'),
        cgroup: readFileSync(`/proc/${pid}/cgroup`, 'latin1'),
        pidNs: readlinkSync(`/proc/${pid}/ns/pid`),
        ...(mntNs === own.mntNs ? {} : { mountinfo: readFileSync(`/proc/${pid}/mountinfo`, 'utf8') }),
      });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

export const ownNamespaces = (): OwnNamespaces => ({ pidNs: readlinkSync('/proc/self/ns/pid'), mntNs: readlinkSync('/proc/self/ns/mnt') });

/** Every live process of the lab, nspawn supervisors and processes inside hosts alike. */
export function labProcesses(hostsDir: string): LabProcess[] {
  const own = ownNamespaces();
  return classifyProcesses(readProcTable(own), hostsDir, own);
}

/** Mount points under hostsDir, deepest first (so nested mounts come off before their parents). */
export function parseLabMounts(mountinfo: string, hostsDir: string): string[] {
  const points = mountinfo
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => !!p)
    .map((p) => p.replace(/\\040/g, ' '))
    .filter((p) => p.startsWith(`${hostsDir}/`));
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
