/**
 * What `tsplay exec` prints: per host, grouped (a header line, then its output) or streamed (every line
 * prefixed with the host, as each host finishes), or JSON lines; and the exit code bits. Pure.
 */
import type { ExecResult } from '../core/connection.js';
import { EXIT_FAILED, EXIT_UNREACHABLE } from '../report/index.js';
import type { HostDone } from './each-host.js';

export type ExecDone = HostDone<ExecResult>;

const headline = (d: ExecDone): string => {
  if (d.status === 'unreachable') return `${d.host} | UNREACHABLE | ${d.error ?? ''}`;
  if (!d.value) return `${d.host} | FAILED | ${d.error ?? ''}`;
  return `${d.host} | ${d.value.exitCode === 0 ? 'OK' : 'FAILED'} | rc=${d.value.exitCode} | ${d.ms} ms`;
};

const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

/** One host's block: its headline, stdout, then stderr (marked) when there is any. */
export function groupedBlock(d: ExecDone): string {
  const out = [headline(d), ...lines(d.value?.stdout ?? '')];
  const err = lines(d.value?.stderr ?? '');
  if (err.length) out.push('--- stderr', ...err);
  return `${out.join('\n')}\n`;
}

/** One host's lines, each prefixed `host | ` (stderr `host ! `) so that interleaved hosts stay apart. */
export function streamedLines(d: ExecDone, width: number): string {
  const name = d.host.padEnd(width);
  if (!d.value) return `${name} ! ${d.status.toUpperCase()}: ${d.error ?? ''}\n`;
  const out = [
    ...lines(d.value.stdout).map((l) => `${name} | ${l}`),
    ...lines(d.value.stderr).map((l) => `${name} ! ${l}`),
    `${name} = rc=${d.value.exitCode} ${d.ms} ms`,
  ];
  return `${out.join('\n')}\n`;
}

export function jsonLine(d: ExecDone): string {
  return `${JSON.stringify({
    host: d.host,
    status: d.status,
    ...(d.value ? { rc: d.value.exitCode, stdout: d.value.stdout, stderr: d.value.stderr } : {}),
    ...(d.error ? { error: d.error } : {}),
    ms: d.ms,
  })}\n`;
}

/** `3 hosts: 2 ok, 1 failed, 0 unreachable` */
export function execSummary(done: readonly ExecDone[]): string {
  const n = (s: string) => done.filter((d) => d.status === s).length;
  return `${done.length} host${done.length === 1 ? '' : 's'}: ${n('ok')} ok, ${n('failed')} failed, ${n('unreachable')} unreachable\n`;
}

/** Bit 2: a command exited non-zero (or sudo refused) on some host; bit 4: some host was unreachable. */
export function execExitBits(done: readonly HostDone<unknown>[]): number {
  let code = 0;
  if (done.some((d) => d.status === 'failed')) code |= EXIT_FAILED;
  if (done.some((d) => d.status === 'unreachable')) code |= EXIT_UNREACHABLE;
  return code;
}
