/**
 * The SSH transport: one ssh2 connection per host for the whole run. Commands run over exec channels with
 * stdin streamed, sudo when asked (password on stdin only), a per-command timeout, and every pending command
 * rejected when the connection drops. Files travel over SFTP to a temp name and are renamed into place.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:os';
import pLimit from 'p-limit';
import type { ClientChannel, Client as SshClient, SFTPWrapper } from 'ssh2';
import type { Connection, ExecOptions, ExecResult, Held, PutOptions } from '../core/connection.js';
import { UPLOAD_TEMP } from '../core/driver.js';
import { BecomeError, CommandTimeout, TransportError, TsplayError, tail } from '../core/errors.js';
import type { Host } from '../core/model.js';
import { reveal } from '../core/secret.js';
import { finishPutScript, quote, readFileScript, sudoCommand, sudoMode, tempBeside, type SudoMode } from './remote-command.js';
import { openClient, type SshOptions } from './ssh-connect.js';
import { SudoDialogue } from './sudo-dialogue.js';
import { sftpUpload } from './sftp.js';

export type { SshOptions } from './ssh-connect.js';

class ChannelRefused extends TransportError {}

interface RawResult {
  readonly exitCode: number;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  /** sudo asked for the password (only for commands run with one). */
  readonly prompted?: boolean;
}

/** Connect to a host (through its jump host when given) and return its Connection. */
export async function connectSsh(host: Host, opts: SshOptions): Promise<Connection> {
  const { client, bastion } = await openClient(host, opts);
  return new SshConnection(host, client, bastion, true);
}

/** An open, authenticated SSH session that its owner (the warm daemon) keeps across the Connections made over it. */
export interface SshLink {
  readonly client: SshClient;
  readonly bastion?: SshClient;
}

/** Open a link to a host (through its jump host when given): the same connect, host-key checks and errors as connectSsh. */
export const openSshLink = (host: Host, opts: SshOptions): Promise<SshLink> => openClient(host, opts);

/**
 * A Connection over a link it does not own, with its own become password (not the host's) and its own sudo
 * probe, as a fresh connection has. Its close() ends only its own channels; the link stays open.
 */
export const connectionOver = (host: Host, link: SshLink, becomePassword: string | undefined): Connection =>
  new SshConnection({ ...host, becomePassword: undefined }, link.client, link.bastion, false, becomePassword);

// OpenSSH allows 10 sessions per connection (MaxSessions), counting the SFTP one and sessions still closing.
const CHANNELS = 6;
/** One limit per SSH session, shared by every Connection over it. */
const limits = new WeakMap<SshClient, ReturnType<typeof pLimit>>();
const limitOf = (client: SshClient) => {
  let l = limits.get(client);
  if (!l) limits.set(client, (l = pLimit(CHANNELS)));
  return l;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class SshConnection implements Connection {
  readonly host: string;
  readonly #pending = new Set<(e: Error) => void>();
  readonly #limit: ReturnType<typeof pLimit>;
  /** Channels open now: a Connection over a shared link closes its own when it closes. */
  readonly #channels = new Set<ClientChannel>();
  readonly #becomePassword: string | undefined;
  readonly #onClose = () => this.#drop('the connection closed');
  readonly #onError = (e: Error) => this.#drop(`the connection failed: ${e.message}`);
  #lost: TransportError | undefined;
  #sftp: Promise<SFTPWrapper> | undefined;
  #sudoNeedsPassword: Promise<boolean> | undefined;

  constructor(
    private readonly target: Host,
    private readonly client: SshClient,
    private readonly bastion: SshClient | undefined,
    /** Whether close() ends the SSH session (false: a link the warm daemon keeps). */
    private readonly owned: boolean,
    becomePassword = target.becomePassword ? reveal(target.becomePassword) : undefined,
  ) {
    this.host = target.name;
    this.#limit = limitOf(client);
    this.#becomePassword = becomePassword;
    client.on('close', this.#onClose);
    client.on('error', this.#onError);
  }

  #drop(why: string): void {
    this.#lost ??= new TransportError(this.host, `${why} (${this.target.address}:${this.target.port})`);
    for (const reject of this.#pending) reject(this.#lost);
    this.#pending.clear();
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const mode = await this.#sudo(opts.sudo);
    const r = await this.#raw(sudoCommand(command, mode), Buffer.from(opts.stdin ?? ''), opts.timeoutMs, this.#asks(mode));
    return { exitCode: r.exitCode, stdout: this.#scrub(r.stdout.toString()), stderr: this.#scrub(r.stderr.toString()) };
  }

  async put(remotePath: string, from: Uint8Array | { readonly localPath: string }, opts: PutOptions = {}): Promise<void> {
    const mode = await this.#sudo(opts.sudo);
    // Under sudo the login user cannot write the target dir: upload to /tmp, then sudo copies it beside the target.
    const upload = mode === 'none' ? tempBeside(remotePath) : `${UPLOAD_TEMP}${randomBytes(8).toString('hex')}`;
    try {
      const sftp = await this.#sftpSession();
      await this.#pendingOp<void>((ok, fail) => void sftpUpload(sftp, upload, from).then(ok, fail));
    } catch (e) {
      await this.#raw(`rm -f ${quote(upload)}`, Buffer.alloc(0)).catch(() => undefined);
      if (e instanceof TransportError) throw e;
      throw new TsplayError(`[${this.host}] cannot upload ${remotePath}: ${(e as Error).message}`, { cause: e });
    }
    const script = finishPutScript(upload, remotePath, opts, mode === 'none' ? upload : undefined);
    const r = await this.#raw(sudoCommand(script, mode), Buffer.alloc(0), undefined, this.#asks(mode));
    if (r.exitCode !== 0) throw new TsplayError(`[${this.host}] cannot write ${remotePath} (exit ${r.exitCode}): ${tail(this.#scrub(r.stderr.toString()))}`);
  }

  /** A channel left open (outside the channel limit: it lasts the whole run), resolved once stdout holds `until`. */
  async hold(command: string, opts: { readonly stdin: string; readonly until: string; readonly sudo?: boolean }): Promise<Held> {
    const mode = await this.#sudo(opts.sudo);
    return this.#pendingOp<Held>((resolve, reject) => {
      this.client.exec(sudoCommand(command, mode), (err, stream) => {
        if (err) return reject(new TransportError(this.host, `cannot start a command: ${err.message}`, { cause: err }));
        this.#track(stream);
        const out: Buffer[] = [];
        const errs: Buffer[] = [];
        let exitCode: number | undefined;
        const held = () => ({
          stdout: this.#scrub(Buffer.concat(out).toString()),
          stderr: this.#scrub(Buffer.concat(errs).toString()),
          ...(exitCode === undefined ? {} : { exitCode }),
          release: () => stream.end(),
        });
        // The marker may straddle two chunks: look at the end of the last one and this one.
        let edge = '';
        stream.on('data', (d: Buffer) => {
          out.push(d);
          const seen = edge + d.toString('latin1');
          if (seen.includes(opts.until)) resolve(held());
          edge = seen.slice(-opts.until.length);
        });
        // The script once sudo lets the command run (the password only to sudo's prompt); stdin stays open until release().
        const sudo = this.#converse(stream, this.#asks(mode), errs, () => stream.write(opts.stdin), reject);
        stream.on('exit', (code: number | null) => (exitCode = code ?? 255));
        stream.on('close', () => (sudo && !sudo.ready ? reject(this.#notRoot(sudo, exitCode)) : resolve(held())));
      });
    });
  }

  async get(remotePath: string, opts: { readonly sudo?: boolean } = {}): Promise<Uint8Array | undefined> {
    const mode = await this.#sudo(opts.sudo);
    const r = await this.#raw(sudoCommand(readFileScript(remotePath), mode), Buffer.alloc(0), undefined, this.#asks(mode));
    if (r.exitCode === 3) return undefined;
    if (r.exitCode !== 0) throw new TsplayError(`[${this.host}] cannot read ${remotePath} (exit ${r.exitCode}): ${tail(this.#scrub(r.stderr.toString()))}`);
    return new Uint8Array(r.stdout);
  }

  async close(): Promise<void> {
    if (this.#lost) return;
    if (!this.owned) return this.#detach();
    const closed = new Promise<void>((r) => this.client.once('close', () => r()));
    this.client.end();
    // unref: a pending grace timer must not keep the process alive after the connection closed.
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2000).unref())]);
    this.bastion?.end();
  }

  /** Leave a shared link: end this Connection's channels (a held one sees EOF and ends) and its SFTP session. */
  async #detach(): Promise<void> {
    this.#drop('the connection was closed');
    this.client.off('close', this.#onClose);
    this.client.off('error', this.#onError);
    for (const ch of this.#channels) ch.close();
    this.#channels.clear();
    const sftp = await this.#sftp?.catch(() => undefined);
    sftp?.end();
  }

  #password(): string | undefined {
    return this.#becomePassword;
  }

  #scrub(text: string): string {
    const pw = this.#password();
    return pw ? text.split(pw).join('[secret]') : text;
  }

  /**
   * The sudo mode. With a become password, one probe per connection, alone before any other sudo command:
   * does sudo ask for the password, and take it? A refusal fails this and every later sudo command at once.
   */
  async #sudo(sudo: boolean | undefined): Promise<SudoMode> {
    const hasPassword = this.#becomePassword !== undefined;
    if (!sudo || this.target.user === 'root' || !hasPassword) return sudoMode(this.target.user, sudo, false, false);
    this.#sudoNeedsPassword ??= this.#raw(sudoCommand('true', 'password'), Buffer.alloc(0), undefined, this.#password()).then((r) => r.prompted === true);
    return sudoMode(this.target.user, sudo, hasPassword, await this.#sudoNeedsPassword);
  }

  /** The password to answer sudo's prompt with, in the mode that asks for it. */
  #asks(mode: SudoMode): string | undefined {
    return mode === 'password' ? this.#password() : undefined;
  }

  #sftpSession(): Promise<SFTPWrapper> {
    this.#sftp ??= this.#pendingOp<SFTPWrapper>((resolve, reject) =>
      this.client.sftp((err, sftp) => (err ? reject(new TransportError(this.host, `SFTP unavailable: ${err.message}`, { cause: err })) : resolve(sftp))),
    );
    return this.#sftp;
  }

  #track(stream: ClientChannel): void {
    this.#channels.add(stream);
    stream.once('close', () => this.#channels.delete(stream));
  }

  /** Run an operation that must fail, not hang, when the connection drops. */
  #pendingOp<T>(body: (resolve: (v: T) => void, reject: (e: Error) => void) => void): Promise<T> {
    if (this.#lost) return Promise.reject(this.#lost);
    return new Promise<T>((resolve, reject) => {
      const fail = (e: Error) => reject(e);
      this.#pending.add(fail);
      body(
        (v) => (this.#pending.delete(fail), resolve(v)),
        (e) => (this.#pending.delete(fail), reject(e)),
      );
    });
  }

  /** `password`: the command is sudo asking for it (sudoCommand's password mode), see sudo-dialogue.ts. */
  #raw(command: string, stdin: Buffer, timeoutMs?: number, password?: string): Promise<RawResult> {
    return this.#limit(async () => {
      // A server may refuse a channel while earlier ones are still being torn down: retry briefly.
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.#channel(command, stdin, timeoutMs, password);
        } catch (e) {
          if (!(e instanceof ChannelRefused) || attempt >= 4) throw e;
          await sleep(50 * 2 ** attempt);
        }
      }
    });
  }

  #channel(command: string, stdin: Buffer, timeoutMs?: number, password?: string): Promise<RawResult> {
    return this.#pendingOp<RawResult>((resolve, reject) => {
      this.client.exec(command, (err, stream) => {
        if (err) return reject(new ChannelRefused(this.host, `cannot start a command: ${err.message}`, { cause: err }));
        this.#track(stream);
        const out: Buffer[] = [];
        const errs: Buffer[] = [];
        let exitCode = 255;
        const timer =
          timeoutMs === undefined
            ? undefined
            : setTimeout(() => {
                stream.signal('KILL');
                stream.close();
                reject(new CommandTimeout(this.host, timeoutMs, firstLine(command)));
              }, timeoutMs);
        stream.on('data', (d: Buffer) => out.push(d));
        const sudo = this.#converse(stream, password, errs, () => stream.end(stdin), reject);
        stream.on('exit', (code: number | null, signal?: string) => {
          exitCode = code ?? 128 + (constants.signals[signal as keyof typeof constants.signals] ?? 127);
        });
        stream.on('close', () => {
          clearTimeout(timer);
          if (sudo && !sudo.ready) return reject(this.#notRoot(sudo, exitCode));
          resolve({ exitCode, stdout: Buffer.concat(out), stderr: Buffer.concat(errs), ...(sudo ? { prompted: sudo.prompted } : {}) });
        });
      });
    });
  }

  /**
   * Collect a channel's stderr into `errs` and call `start` (which sends stdin) when the command may read it:
   * at once without a password; with one, after sudo's dialogue (sudo-dialogue.ts), so that nothing but the
   * password ever reaches sudo. A second prompt rejects at once. The dialogue, when there is one, is returned.
   */
  #converse(stream: ClientChannel, password: string | undefined, errs: Buffer[], start: () => void, reject: (e: Error) => void): SudoDialogue | undefined {
    if (password === undefined) {
      stream.stderr.on('data', (d: Buffer) => errs.push(d));
      start();
      return undefined;
    }
    const sudo = new SudoDialogue();
    stream.stderr.on('data', (d: Buffer) => {
      if (sudo.ready) return void errs.push(d);
      const { turns, stderr } = sudo.read(d.toString('utf8'));
      errs.push(Buffer.from(stderr));
      for (const turn of turns) {
        if (turn === 'send-password') stream.write(`${password}\n`);
        else if (turn === 'ready') start();
        else {
          // sudo asked again: the password was refused. Stop now, before it reads anything else.
          reject(
            new BecomeError(
              this.host,
              this.target.user,
              `sudo refused the become password for user ${this.target.user} on host ${this.host} (check becomePassword in the inventory)`,
            ),
          );
          stream.close();
        }
      }
    });
    return sudo;
  }

  /** sudo ended without running the command (not in sudoers, no tty, ...): what it said. */
  #notRoot(sudo: SudoDialogue, exitCode: number | undefined): BecomeError {
    const said = tail(this.#scrub(sudo.said), 5) || 'no reason given';
    return new BecomeError(
      this.host,
      this.target.user,
      `sudo did not run the command as root for user ${this.target.user} on host ${this.host} (exit ${exitCode ?? 'none'}): ${said}`,
    );
  }
}

const firstLine = (s: string) => {
  const line = s.split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 80)}…` : line;
};
