/** `lab status`: each host with its address, whether its nspawn runs and whether sshd answers. */
import { hostRunning } from './host.js';
import { labPaths, type LabPaths } from './paths.js';
import { labProcesses } from './procs.js';
import { readState } from './state.js';
import { sshBanner } from './wait.js';

export interface HostStatus {
  readonly name: string;
  readonly address: string;
  readonly state: 'running' | 'booting' | 'stopped';
  readonly pid: number;
}

export async function labStatus(paths: LabPaths = labPaths()): Promise<HostStatus[] | undefined> {
  const state = await readState(paths.state);
  if (!state) return undefined;
  const procs = labProcesses(paths.hosts);
  return Promise.all(state.hosts.map(async (h) => {
    const up = hostRunning(procs, h.name, h.pid);
    const ssh = up && (await sshBanner(h.address, 22, 1000));
    return { name: h.name, address: h.address, pid: h.pid, state: !up ? 'stopped' : ssh ? 'running' : 'booting' } as const;
  }));
}

/** Pure: the status table as text. */
export function statusTable(hosts: readonly HostStatus[]): string {
  const rows = [['HOST', 'ADDRESS', 'STATE', 'PID'], ...hosts.map((h) => [h.name, h.address, h.state, String(h.pid)])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
