/**
 * Run one command and measure it: wall time (from spawn to exit, as the user waits), the peak RSS of its
 * largest process (GNU time %M), and optionally the peak of the summed PSS of its whole process tree
 * (sampled from /proc; Ansible forks a worker per host plus ssh clients, whose memory adds up).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  readonly code: number;
  readonly wallMs: number;
  /** performance.now() at spawn, to line up with the command's own event times. */
  readonly spawnedAt: number;
  readonly epochAtSpawn: number;
  readonly stdout: string;
  readonly stderr: string;
  /** User + system CPU time of the process and its waited-for children (GNU time %U + %S), ms. */
  readonly cpuMs: number;
  /** Peak RSS of the largest single process (GNU time %M), KiB. */
  readonly maxRssKb: number;
  /** Peak summed PSS over the process tree, KiB (when sampled). */
  readonly treePssKb?: number;
  /** CPU time the whole machine spent busy meanwhile (/proc/stat, every CPU, all processes: here the lab hosts too), ms. */
  readonly machineBusyMs: number;
}

export interface MeasureOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Sample the tree's PSS every this many ms (off when absent). */
  readonly sampleMs?: number;
}

let seq = 0;

export async function measure(cmd: string, args: readonly string[], opts: MeasureOptions = {}): Promise<Measured> {
  const timeFile = join(tmpdir(), `tsplay-bench-time-${process.pid}-${seq++}`);
  const busyBefore = machineBusyMs();
  const spawnedAt = performance.now();
  const epochAtSpawn = Date.now();
  const p = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, cmd, ...args], {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  p.stdout.on('data', (b: Buffer) => out.push(b));
  p.stderr.on('data', (b: Buffer) => err.push(b));
  let peak = 0;
  const timer =
    opts.sampleMs && p.pid
      ? setInterval(() => {
          peak = Math.max(peak, treePss(p.pid!));
        }, opts.sampleMs)
      : undefined;
  const code = await new Promise<number>((resolve, reject) => {
    p.on('error', reject);
    p.on('close', (c) => resolve(c ?? -1));
  });
  const wallMs = performance.now() - spawnedAt;
  const machineBusy = machineBusyMs() - busyBefore;
  if (timer) clearInterval(timer);
  // The last line (a failing command adds "Command exited with non-zero status N" before it).
  const [user, sys, rss] = ((await readFile(timeFile, 'utf8').catch(() => '')).trim().split('\n').pop() ?? '').split(' ').map(Number);
  const maxRssKb = rss || 0;
  const cpuMs = ((user || 0) + (sys || 0)) * 1000;
  await rm(timeFile, { force: true });
  return {
    code,
    wallMs,
    spawnedAt,
    epochAtSpawn,
    maxRssKb,
    cpuMs,
    machineBusyMs: machineBusy,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
    ...(timer ? { treePssKb: peak } : {}),
  };
}

/**
 * Busy CPU time of the whole machine so far (ms): the `cpu` line of /proc/stat less idle and iowait, in
 * USER_HZ ticks (100 a second on Linux). On the lab, where every host shares the controller's CPUs, it is what
 * the run cost the hosts as well as the controller.
 */
export function machineBusyMs(): number {
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks;
  return (user + nice + system + irq + softirq + steal) * 10;
}

/** Summed PSS (KiB) of `root` and all its descendants, excluding GNU time itself (it is the root). */
export function treePss(root: number): number {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(d));
      children.set(ppid, list);
    } catch {
      /* gone */
    }
  }
  let sum = 0;
  const todo = [...(children.get(root) ?? [])];
  while (todo.length > 0) {
    const pid = todo.pop()!;
    todo.push(...(children.get(pid) ?? []));
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      sum += Number(m?.[1] ?? 0);
    } catch {
      /* gone */
    }
  }
  return sum;
}
