/**
 * What every fault family needs: the lab hosts it may use (TSPLAY_FAULT_HOSTS), a seeded random source
 * (TSPLAY_FAULT_SEED replays a failing run), the real `tsplay` command as a child process that can be
 * killed mid-run, one SSH connection per host for the checks, and an inventory of just those hosts.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Connection } from '../../lib/core/connection.js';
import { connectSsh } from '../../lib/transport/ssh.js';
import { asHost, paths, requireLab } from '../integration/lab-hosts.js';
import { HOST_DIR } from './fixtures/host-paths.js';

/** Where the suite keeps its controller-side files (inventory, generated artifact, artifact cache). */
export const WORK = '/tmp/tsplay-fault';
export { HOST_DIR } from './fixtures/host-paths.js';
/** Each family removes its own files, then the fixtures' tree once it is empty (the last family to finish). */
export const RMDIR_HOST_DIR = `rmdir ${HOST_DIR} 2>/dev/null || :`;
export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const BIN = fileURLToPath(new URL('../../lib/cli/bin.js', import.meta.url));
export const fixture = (name: string): string => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));

// In CI (test/all.sh) the lab has lab-1..lab-7 and the e2e suite has just used them: these three are
// converged cluster hosts there, and the sample playbook coexists with the cluster (e2e runs it on all of them).
const DEFAULT_HOSTS = 'lab-5,lab-6,lab-7';

export interface FaultHost {
  readonly name: string;
  readonly address: string;
}

/**
 * The hosts named by TSPLAY_FAULT_HOSTS, each up in the lab (skips, or fails in CI, the suite otherwise),
 * once tsplay has shown it works on them.
 */
export async function faultHosts(ctx: Mocha.Context): Promise<FaultHost[]> {
  const names = (process.env.TSPLAY_FAULT_HOSTS ?? DEFAULT_HOSTS)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const state = await requireLab(ctx, names.length);
  const hosts = names.map((n) => state.hosts.find((h) => h.name === n));
  const missing = names.filter((_, i) => !hosts[i]);
  if (missing.length) throw new Error(`TSPLAY_FAULT_HOSTS names hosts the lab does not have: ${missing.join(', ')}`);
  const found = hosts.map((h) => ({ name: h!.name, address: h!.address }));
  await assertTsplayWorks(found);
  return found;
}

/** The --limit pattern for these hosts (a union). */
export const limit = (hosts: readonly FaultHost[]): string => hosts.map((h) => h.name).join(':');

/** One seed per suite run, printed by the summary, so `TSPLAY_FAULT_SEED=N` replays the same faults. */
export const SEED = Number(process.env.TSPLAY_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** mulberry32: a small seeded generator; each fault family takes its own stream so families stay independent. */
export function random(stream: string): () => number {
  let a = SEED ^ [...stream].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 2166136261);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly ms: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The --json event stream (lines that parse; a killed run may end in a torn line). */
  readonly events: readonly Record<string, unknown>[];
}

export interface Running {
  readonly done: Promise<Run>;
  /** SIGKILL: the controller dies with no chance to clean up, as on a crash or an OOM kill. */
  kill(): void;
  /** Called with each --json event as it arrives. */
  onEvent(fn: (e: Record<string, unknown>) => void): void;
}

/** Start `tsplay ARGS` (cwd: the repo). `tty` runs it under script(1) so stdout is a terminal (live mode). */
export function startTsplay(args: readonly string[], o: { env?: NodeJS.ProcessEnv; tty?: boolean } = {}): Running {
  const started = Date.now();
  // The lab's own known_hosts: it is rewritten whenever a host is rebuilt, ~/.ssh/known_hosts only merged into.
  const argv = [BIN, ...args, ...(args[0] === 'run' ? ['--known-hosts', paths.knownHosts] : [])];
  const cmd = o.tty
    ? (['script', ['-q', '-e', '-c', `stty cols 160 rows 40; exec ${[process.execPath, ...argv].map(shq).join(' ')}`, '/dev/null']] as const)
    : ([process.execPath, argv] as const);
  const child = spawn(cmd[0], [...cmd[1]], { cwd: REPO, env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let partial = '';
  const listeners: ((e: Record<string, unknown>) => void)[] = [];
  const events: Record<string, unknown>[] = [];
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    for (const l of lines) {
      const e = parseEvent(l);
      if (!e) continue;
      events.push(e);
      for (const f of listeners) f(e);
    }
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = parseEvent(partial);
      if (last) events.push(last);
      resolve({ code, signal, ms: Date.now() - started, stdout: out, stderr: err, events });
    });
  });
  return { done, kill: () => child.kill('SIGKILL'), onEvent: (f) => listeners.push(f) };
}

export const tsplay = (args: readonly string[], o: { env?: NodeJS.ProcessEnv; tty?: boolean } = {}): Promise<Run> => startTsplay(args, o).done;

function parseEvent(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The run-end totals of a --json run: changed resources over all hosts, or undefined when it never ended. */
export function changedTotal(r: Run): number | undefined {
  const end = r.events.find((e) => e.kind === 'run-end') as { stats?: { hosts: Record<string, { changed: number }> } } | undefined;
  return end?.stats ? Object.values(end.stats.hosts).reduce((n, h) => n + h.changed, 0) : undefined;
}

/** A short account of a run for failure messages: exit, the failed events, the end of stderr. */
export function runAccount(r: Run): string {
  const failed = r.events.filter((e) => e.status === 'failed' || e.kind === 'host-failed' || e.kind === 'unreachable');
  return `exit ${r.code ?? r.signal}; ${JSON.stringify(failed).slice(0, 600)}; stderr: ${r.stderr.trim().slice(-400)}`;
}

export const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** One SSH connection per fault host, for the checks (cheaper than a `lab ssh` process per command). */
export async function connectAll(hosts: readonly FaultHost[]): Promise<Map<string, Connection>> {
  const tries = await Promise.allSettled(hosts.map((h) => connectSsh(asHost(h), { knownHosts: paths.knownHosts, connectTimeoutMs: 5000 })));
  const failed = tries.find((t) => t.status === 'rejected');
  if (failed) {
    // Close the ones that did connect: an open connection would keep the suite from ever exiting.
    await Promise.all(tries.map((t) => (t.status === 'fulfilled' ? t.value.close() : undefined)));
    throw failed.reason;
  }
  return new Map(hosts.map((h, i) => [h.name, (tries[i] as PromiseFulfilledResult<Connection>).value]));
}

/** tsplay must work at all (a half-edited engine fails every run the same way): else stop at once, saying why. */
let works: Promise<void> | undefined;
function assertTsplayWorks(hosts: readonly FaultHost[]): Promise<void> {
  works ??= (async () => {
    const r = await tsplay(['run', fixture('concurrent-line.ts'), '-i', writeInventory(hosts), '--limit', hosts[0]!.name, '--check']);
    if (r.code !== 0)
      throw new Error(
        `tsplay does not work (a check run exits ${r.code}), so no fault could be told apart from that: ${(r.stderr + r.stdout).trim().split('\n').slice(0, 6).join(' | ')}`,
      );
  })();
  return works;
}

/** Run a shell command on a host; its stdout, or an error naming the host and the command's stderr. */
export async function sh(c: Connection, command: string): Promise<string> {
  const r = await c.exec(command);
  if (r.exitCode !== 0) throw new Error(`[${c.host}] exit ${r.exitCode}: ${command.slice(0, 200)}: ${r.stderr.trim()}`);
  return r.stdout;
}

/**
 * An inventory of just the fault hosts (as root), written under WORK: `NAME`, and `NAME-op` for the same
 * address as the unprivileged `faultop` whose sudo asks for the password in TSPLAY_FAULT_BECOME. `hostVars`
 * go to every host (values argv cannot carry, such as NUL, reach roles this way).
 */
export function writeInventory(hosts: readonly FaultHost[], o: { name?: string; hostVars?: Record<string, unknown> } = {}): string {
  mkdirSync(WORK, { recursive: true });
  const vars = o.hostVars ? `, vars: ${JSON.stringify(o.hostVars)}` : '';
  const entries = hosts.flatMap((h) => [
    `    ${JSON.stringify(h.name)}: { address: ${JSON.stringify(h.address)}${vars} },`,
    `    ${JSON.stringify(`${h.name}-op`)}: { address: ${JSON.stringify(h.address)}, user: 'faultop', becomePassword: process.env.TSPLAY_FAULT_BECOME ?? 'unset' },`,
  ]);
  const file = `${WORK}/${o.name ?? 'inventory'}.ts`;
  writeFileSync(
    file,
    `// Written by test/fault/helpers.ts for the fault suite: the fault hosts, as root and as faultop (sudo with a password).
export default {
  defaults: { user: 'root', port: 22, key: ${JSON.stringify(paths.key)} },
  hosts: {
${entries.join('\n')}
  },
  groups: {
    fault: { hosts: ${JSON.stringify(hosts.map((h) => h.name))} },
    op: { hosts: ${JSON.stringify(hosts.map((h) => `${h.name}-op`))} },
  },
};
`,
  );
  return file;
}

/** Temp files tsplay makes on a host (beside targets, extract dirs, sudo uploads): none may outlive a run. */
export const TEMP_FILES_CMD = `find / -xdev \\( -path /proc -o -path /sys -o -path /dev \\) -prune -o \\( -name '.*.tsplay-*' -o -name '.tsplay-*' \\) -print 2>/dev/null || :`;

export async function tempFiles(c: Connection): Promise<string[]> {
  return (await sh(c, TEMP_FILES_CMD)).split('\n').filter(Boolean);
}
