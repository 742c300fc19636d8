/** Run the real `tsplay` command (a child process, start-up included) and read its JSON event stream. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../lib/cli/bin.js', import.meta.url));

export interface HostTotals { ok: number; changed: number; failed: number; skipped: number; unreachable: boolean; roundTrips: number }
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
      const events = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      const end = events.find((e) => e.kind === 'run-end') as { stats?: { hosts: Record<string, HostTotals> } } | undefined;
      resolve({ code: code ?? -1, ms: Date.now() - started, events, hosts: end?.stats?.hosts ?? {}, stderr: err });
    });
  });
}

export const sum = (o: Outcome, k: 'ok' | 'changed' | 'failed' | 'skipped' | 'roundTrips'): number => Object.values(o.hosts).reduce((n, h) => n + h[k], 0);
