/**
 * The local transport, for plays on `localhost`: commands run with `sh -c` through zx (scripts on stdin), files are
 * written to a temp name in the target's directory and renamed into place.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { constants, userInfo } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Connection, ExecOptions, ExecResult, Held, PutOptions } from '../core/connection.js';
import { UPLOAD_TEMP } from '../core/driver.js';
import { CommandTimeout, TransportError, TsplayError, tail } from '../core/errors.js';
import { finishPutScript, readFileScript, sudoCommand, tempBeside, type SudoMode } from './remote-command.js';

/** A Connection to this machine. Sudo, when asked and not root, is `sudo -n` (no password prompts here). */
export function localConnection(name = 'localhost'): Connection {
  const root = userInfo().uid === 0;
  const mode = (sudo?: boolean): SudoMode => (sudo && !root ? 'nopasswd' : 'none');
  const exec = (command: string, opts: ExecOptions = {}) => run(name, sudoCommand(command, mode(opts.sudo)), opts);
  return {
    host: name,
    exec,
    async put(path, from, opts: PutOptions = {}) {
      const direct = mode(opts.sudo) === 'none';
      const upload = direct ? tempBeside(path) : `${UPLOAD_TEMP}${randomBytes(8).toString('hex')}`;
      try {
        const source = from instanceof Uint8Array ? Readable.from([Buffer.from(from)]) : createReadStream(from.localPath);
        await pipeline(source, createWriteStream(upload, { mode: 0o600, flags: 'wx' }));
      } catch (e) {
        await rm(upload, { force: true });
        throw new TsplayError(`[${name}] cannot write ${path}: ${(e as Error).message}`, { cause: e });
      }
      const r = await exec(finishPutScript(upload, path, opts, direct ? upload : undefined), { sudo: opts.sudo });
      if (r.exitCode !== 0) throw new TsplayError(`[${name}] cannot write ${path} (exit ${r.exitCode}): ${tail(r.stderr)}`);
    },
    hold: (command, opts) => hold(sudoCommand(command, mode(opts.sudo)), opts.stdin, opts.until),
    async get(path, opts = {}) {
      if (mode(opts.sudo) === 'none') {
        return readFile(path).then(
          (b) => new Uint8Array(b),
          (e: NodeJS.ErrnoException) => {
            if (e.code === 'ENOENT') return undefined;
            throw new TsplayError(`[${name}] cannot read ${path}: ${e.message}`, { cause: e });
          },
        );
      }
      const r = await runRaw(name, sudoCommand(readFileScript(path), 'nopasswd'), {});
      if (r.exitCode === 3) return undefined;
      if (r.exitCode !== 0) throw new TsplayError(`[${name}] cannot read ${path} (exit ${r.exitCode}): ${tail(r.stderr.toString())}`);
      return new Uint8Array(r.stdout);
    },
    async close() {},
  };
}

/** A child with its stdin kept open: when this process dies, the pipe closes and the child sees EOF. */
function hold(command: string, stdin: string, until: string): Promise<Held> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let exitCode: number | undefined;
    const done = () => {
      // From here on, neither the child nor its pipes keep the run alive: release() or our exit ends it.
      child.unref();
      for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void }).unref?.();
      resolve({ stdout: out, stderr: err, ...(exitCode === undefined ? {} : { exitCode }), release: () => child.stdin.end() });
    };
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(until)) done();
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => ((exitCode = code ?? 255), done()));
    child.on('error', (e) => ((err += e.message), (exitCode = 127), done()));
    child.stdin.write(stdin);
  });
}

async function run(name: string, command: string, opts: ExecOptions): Promise<ExecResult> {
  const r = await runRaw(name, command, opts);
  return { exitCode: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/** A command as sh would run it, through zx (loaded on first use: only localhost plays pay for it). */
async function runRaw(name: string, command: string, opts: ExecOptions): Promise<{ exitCode: number; stdout: Buffer; stderr: Buffer }> {
  const { $ } = await import('zx');
  // detached: its own process group, so a timeout kills the whole command, not only sh. halt: start it
  // ourselves, to read stdout as bytes (zx keeps text) from the start.
  const sh = $({
    shell: '/bin/sh',
    prefix: '',
    postfix: '',
    nothrow: true,
    quiet: true,
    verbose: false,
    detached: true,
    halt: true,
    input: opts.stdin === undefined ? '' : Buffer.from(opts.stdin),
  });
  // The command is the whole script, not an argument to quote: it is the template's only piece.
  const p = sh(Object.assign([command], { raw: [command] }));
  p.run();
  const out: Buffer[] = [];
  p.stdout.on('data', (d: Buffer) => out.push(d));
  let timedOut = false;
  const timer =
    opts.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          try {
            process.kill(-p.child!.pid!, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }, opts.timeoutMs);
  const done = await p.finally(() => clearTimeout(timer));
  if (timedOut) throw new CommandTimeout(name, opts.timeoutMs!, command.split('\n')[0]!);
  if (done.exitCode === null && done.signal === null) throw new TransportError(name, `cannot run sh: ${done.message}`);
  const exitCode = done.exitCode ?? 128 + (done.signal ? (constants.signals[done.signal] ?? 0) : 0);
  return { exitCode, stdout: Buffer.concat(out), stderr: Buffer.from(done.stderr) };
}
