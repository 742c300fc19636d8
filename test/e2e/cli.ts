/** Run the real `tsplay` command (a child process, start-up included) and read its JSON event stream. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onHost } from '../integration/lab-hosts.js';

const BIN = fileURLToPath(new URL('../../lib/cli/bin.js', import.meta.url));

export interface HostTotals {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  unreachable: boolean;
  roundTrips: number;
}
export interface Outcome {
  readonly code: number;
  readonly ms: number;
  readonly events: readonly Record<string, unknown>[];
  readonly hosts: Readonly<Record<string, HostTotals>>;
  readonly stderr: string;
}

export function tsplayJson(args: readonly string[]): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const events = out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const end = events.find((e) => e.kind === 'run-end') as { stats?: { hosts: Record<string, HostTotals> } } | undefined;
      resolve({ code: code ?? -1, ms: Date.now() - started, events, hosts: end?.stats?.hosts ?? {}, stderr: err });
    });
  });
}

export const sum = (o: Outcome, k: 'ok' | 'changed' | 'failed' | 'skipped' | 'roundTrips'): number => Object.values(o.hosts).reduce((n, h) => n + h[k], 0);

/** What went wrong in a run, for an assertion message: its stderr and its failed or unreachable events. */
export const failures = (o: Outcome): string =>
  `${o.stderr}\n${JSON.stringify(
    o.events.filter((e) => e.status === 'failed' || e.kind === 'host-failed' || e.kind === 'unreachable'),
    null,
    1,
  ).slice(0, 4000)}`;

/** One line of the test's output: how long a step took, its exit code, changes and round trips. */
export const took = (what: string, o: Outcome): void =>
  console.log(`      ${what}: ${(o.ms / 1000).toFixed(1)} s (exit ${o.code}, ${sum(o, 'changed')} changed, ${sum(o, 'roundTrips')} round trips)`);

/** A command on a lab host that must succeed; its output, trimmed. */
export async function on(host: string, cmd: string): Promise<string> {
  const r = await onHost(host, cmd);
  assert.equal(r.code, 0, `${host}: ${cmd}\n${r.out}`);
  return r.out.trim();
}
