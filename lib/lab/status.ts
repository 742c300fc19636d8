/**
 * `lab status`: each host with its address, whether its nspawn runs and whether sshd answers, and hosts
 * left orphaned (their nspawn died, their systemd and services did not) with what to do about them.
 */
import { hostRunning, orphanProcesses } from './host.js';
import { labPaths, type LabPaths } from './paths.js';
import { labProcesses, type LabProcess } from './procs.js';
import { readState, type HostState } from './state.js';
import { sshBanner } from './wait.js';
import pLimit from 'p-limit';

export interface HostStatus {
  readonly name: string;
  readonly address: string;
  readonly state: 'running' | 'booting' | 'stopped' | 'orphaned';
  readonly pid: number;
  /** What is wrong and what to do, for a host that is not as the state file says. */
  readonly note?: string;
}

export async function labStatus(paths: LabPaths = labPaths()): Promise<HostStatus[] | undefined> {
  const state = await readState(paths.state);
  if (!state) return undefined;
  const procs = labProcesses(paths.hosts);
  // A few banners at a time, with time to answer: a hundred sshd forks at once, on the 2 CPUs the hosts
  // share, miss a 1 s deadline and every host read as "booting".
  const limit = pLimit(16);
  return Promise.all(
    state.hosts.map((h) =>
      limit(async () => {
        const s = hostStatus(procs, h);
        return s.state === 'running' && !(await sshBanner(h.address, 22, 3000)) ? { ...s, state: 'booting' as const } : s;
      }),
    ),
  );
}

/** Pure: a host's state from the process table alone (`running` until sshd is asked). */
export function hostStatus(procs: readonly LabProcess[], h: Pick<HostState, 'name' | 'address' | 'pid'>): HostStatus {
  const base = { name: h.name, address: h.address, pid: h.pid };
  const left = orphanProcesses(procs, h.name, h.pid);
  if (left.length === 0) return { ...base, state: hostRunning(procs, h.name, h.pid) ? 'running' : 'stopped' };
  return { ...base, state: 'orphaned', note: orphanNote(h.name, h.pid, left) };
}

function orphanNote(name: string, pid: number, left: readonly LabProcess[]): string {
  const init = left.find((p) => p.init);
  const other = left.find((p) => p.kind === 'nspawn');
  const what = other
    ? `another systemd-nspawn (pid ${other.pid}) runs it`
    : `${left.length} of its processes still run${init ? ` (its init is pid ${init.pid})` : ''}`;
  return `${name}: its systemd-nspawn (pid ${pid}) is gone but ${what}; \`tsplay lab up\` kills them and boots it again, \`tsplay lab down\` removes it`;
}

/** Pure: the status table as text, then a line for each host that needs attention. */
export function statusTable(hosts: readonly HostStatus[]): string {
  const rows = [['HOST', 'ADDRESS', 'STATE', 'PID'], ...hosts.map((h) => [h.name, h.address, h.state, String(h.pid)])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  const notes = hosts.flatMap((h) => (h.note ? [h.note] : []));
  return [...table, ...(notes.length ? ['', ...notes] : [])].join('\n');
}
