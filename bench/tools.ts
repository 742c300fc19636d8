/**
 * One timed run of each tool, parsed: tsplay from its JSON lines (run-start time, run-end stats with round
 * trips per host), Ansible from its PLAY RECAP. A failed run is an error with the tail of its output.
 */
import { spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchHost, LabInfo } from './lab.js';
import { measure } from './measure.js';
import type { WorkDir } from './workdir.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = fileURLToPath(new URL('../lib/cli/bin.js', import.meta.url));

export interface ToolRun {
  readonly wallMs: number;
  readonly changed: number;
  readonly maxRssKb: number;
  readonly treePssKb?: number;
  /** User + system CPU of the process and the children it waited for (GNU time); absent in older results. */
  readonly cpuMs?: number;
  /** The whole machine's busy CPU meanwhile (controller and lab hosts together); absent in older results. */
  readonly machineBusyMs?: number;
}

export interface TsplayRun extends ToolRun {
  /** From spawn to the run-start event: node start-up, TypeScript loading, playbook and inventory. */
  readonly startupMs: number;
  /** The run itself as tsplay measures it (connect, query, apply, close). */
  readonly runMs: number;
  readonly roundTrips: readonly number[];
}

const tail = (s: string, n = 15) => s.trim().split('\n').slice(-n).join('\n');

interface RunEndStats {
  hosts: Record<string, { changed: number; failed: number; unreachable: boolean; roundTrips: number }>;
  ms: number;
}

export async function runTsplay(playbook: string, inventory: string, lab: LabInfo, log?: string): Promise<TsplayRun> {
  const m = await measure('node', [CLI, 'run', playbook, '-i', inventory, '--json', '--known-hosts', lab.knownHosts], { cwd: ROOT });
  if (log) await mkdir(dirname(log), { recursive: true }).then(() => writeFile(log, `${m.stdout}\n${m.stderr}`));
  const events = m.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { kind: string; time: string; stats?: RunEndStats });
  const start = events.find((e) => e.kind === 'run-start');
  const end = events.find((e) => e.kind === 'run-end');
  const stats = end?.stats;
  const bad = stats ? Object.entries(stats.hosts).filter(([, h]) => h.failed > 0 || h.unreachable) : [];
  if (m.code !== 0 || !start || !stats || bad.length > 0)
    throw new Error(
      `tsplay ${playbook} failed (exit ${m.code}${bad.length ? `; hosts ${bad.map(([n]) => n).join(', ')}` : ''}):\n${tail(m.stderr)}\n${tail(m.stdout, 5)}`,
    );
  const hosts = Object.values(stats.hosts);
  return {
    wallMs: m.wallMs,
    maxRssKb: m.maxRssKb,
    cpuMs: m.cpuMs,
    machineBusyMs: m.machineBusyMs,
    startupMs: Date.parse(start.time) - m.epochAtSpawn,
    runMs: stats.ms,
    changed: hosts.reduce((a, h) => a + h.changed, 0),
    roundTrips: hosts.map((h) => h.roundTrips),
  };
}

/** `lab-8 : ok=21 changed=20 unreachable=0 failed=0 ...` lines. */
export function parseRecap(out: string): { changed: number; failed: number; unreachable: number; hosts: number } {
  const lines = [...out.matchAll(/^\S+\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm)];
  return {
    hosts: lines.length,
    changed: lines.reduce((a, l) => a + Number(l[2]), 0),
    unreachable: lines.reduce((a, l) => a + Number(l[3]), 0),
    failed: lines.reduce((a, l) => a + Number(l[4]), 0),
  };
}

export async function runAnsible(playbook: string, wd: WorkDir, hosts: readonly BenchHost[], runId: string): Promise<ToolRun> {
  const controlDir = wd.controlDir(runId);
  const env = { ...process.env, ANSIBLE_CONFIG: wd.ansibleCfg, ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0' };
  const m = await measure('ansible-playbook', [playbook], { cwd: wd.dir, env, sampleMs: 250 });
  await closeMasters(controlDir, hosts);
  await mkdir(join(wd.dir, 'logs'), { recursive: true });
  await writeFile(join(wd.dir, 'logs', `ansible-${runId}.log`), `${m.stdout}\n${m.stderr}`);
  const recap = parseRecap(m.stdout);
  if (m.code !== 0 || recap.failed > 0 || recap.unreachable > 0 || recap.hosts !== hosts.length)
    throw new Error(`ansible-playbook ${playbook} failed (exit ${m.code}):\n${tail(m.stdout, 25)}\n${tail(m.stderr)}`);
  return { wallMs: m.wallMs, maxRssKb: m.maxRssKb, cpuMs: m.cpuMs, ...(m.treePssKb !== undefined ? { treePssKb: m.treePssKb } : {}), changed: recap.changed };
}

/** Ansible's ControlPersist masters outlive the run by 60 s: stop them, so runs do not share connections. */
async function closeMasters(controlDir: string, hosts: readonly BenchHost[]): Promise<void> {
  await Promise.all(
    hosts.map(
      (h) =>
        new Promise<void>((resolve) => {
          const p = spawn('ssh', ['-o', `ControlPath=${controlDir}/${h.address}-root`, '-O', 'exit', h.address], { stdio: 'ignore' });
          p.on('error', () => resolve());
          p.on('close', () => resolve());
        }),
    ),
  );
  await rm(controlDir, { recursive: true, force: true });
}
