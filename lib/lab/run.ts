/** Run a local command for the lab and fail with its stderr when it fails. */
import { spawn } from 'node:child_process';
import { TsplayError } from '../core/errors.js';

export class LabError extends TsplayError {
  override name = 'LabError';
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `cmd args` without a shell; resolves with the exit code (spawn failures resolve as 127). */
export function runQuiet(cmd: string, args: readonly string[], input?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => resolve({ code: 127, stdout, stderr: stderr + e.message }));
    child.on('close', (code) => resolve({ code: code ?? 128, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** Run and throw a LabError naming the command and the tail of its output when it exits non-zero. */
export async function run(cmd: string, args: readonly string[], input?: string): Promise<string> {
  const r = await runQuiet(cmd, args, input);
  if (r.code !== 0) {
    const out = (r.stderr || r.stdout).trim().split('\n').slice(-15).join('\n');
    throw new LabError(`\`${[cmd, ...args].join(' ')}\` failed (exit ${r.code}):\n${out}`);
  }
  return r.stdout;
}

/** Progress lines: the lab's long phases print what they are doing. */
export type Say = (line: string) => void;
