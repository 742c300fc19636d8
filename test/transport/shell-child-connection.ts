/**
 * Test-only Connection to THIS machine over child_process: `exec` runs `sh -c` with stdin, `put` writes
 * atomically. Lets the shell driver's scripts run for real without SSH.
 */
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Connection, ExecOptions, ExecResult, PutOptions } from '../../lib/core/connection.js';

export class ChildConnection implements Connection {
  readonly host = 'localhost';
  readonly commands: string[] = [];

  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    this.commands.push(command);
    return new Promise((resolve, reject) => {
      const child = spawn('sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', reject);
      child.on('close', (code) => resolve({ exitCode: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
      // A command that exits without reading its stdin closes the pipe first: EPIPE is not a failure.
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.stdin ?? '');
    });
  }

  async put(remotePath: string, from: Uint8Array | { readonly localPath: string }, opts: PutOptions = {}): Promise<void> {
    this.commands.push(`put ${remotePath}`);
    const bytes = from instanceof Uint8Array ? from : readFileSync(from.localPath);
    const tmp = `${remotePath}.put-${process.pid}`;
    writeFileSync(tmp, bytes, { mode: 0o600 });
    chmodSync(tmp, opts.mode ?? 0o644);
    renameSync(tmp, remotePath);
  }

  async get(remotePath: string): Promise<Uint8Array | undefined> {
    try {
      return readFileSync(remotePath);
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {}
}
