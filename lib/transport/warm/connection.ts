/** A Connection whose commands run in the warm daemon, over the session it keeps to the host. */
import { resolve } from 'node:path';
import type { Connection, ExecOptions, ExecResult, Held, PutOptions } from '../../core/connection.js';
import type { Host } from '../../core/model.js';
import { reveal } from '../../core/secret.js';
import type { SshOptions } from '../ssh-connect.js';
import type { WarmClient } from './client.js';
import type { WireHost, WireSsh } from './protocol.js';

const wireHost = (h: Host): WireHost => ({
  name: h.name,
  address: h.address,
  port: h.port,
  user: h.user,
  // The daemon runs elsewhere (its cwd is its own directory): paths go absolute.
  ...(h.key ? { key: resolve(h.key) } : {}),
});

const wireSsh = (s: SshOptions): WireSsh => ({
  knownHosts: resolve(s.knownHosts),
  agent: s.agent ?? process.env.SSH_AUTH_SOCK ?? '',
  ...(s.trustNewHostKeys ? { trustNewHostKeys: true } : {}),
  ...(s.connectTimeoutMs !== undefined ? { connectTimeoutMs: s.connectTimeoutMs } : {}),
  ...(s.retries !== undefined ? { retries: s.retries } : {}),
  ...(s.keepaliveMs !== undefined ? { keepaliveMs: s.keepaliveMs } : {}),
});

/** Open a lease on the host (connecting when the daemon has no live session to it). The become password is sent for this run only. */
export async function openWarm(client: WarmClient, host: Host, ssh: SshOptions): Promise<Connection> {
  const r = await client.request(
    {
      op: 'open',
      host: wireHost(host),
      ...(ssh.jump ? { jump: wireHost(ssh.jump) } : {}),
      ssh: wireSsh(ssh),
      ...(host.becomePassword ? { becomePassword: reveal(host.becomePassword) } : {}),
    },
    undefined,
    host.name,
  );
  return new WarmConnection(client, host.name, r.header.lease as number);
}

class WarmConnection implements Connection {
  #closed = false;

  constructor(
    private readonly client: WarmClient,
    readonly host: string,
    private readonly lease: number,
  ) {}

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const bytes = opts.stdin instanceof Uint8Array ? opts.stdin : undefined;
    const r = await this.#ask(
      {
        op: 'exec',
        command,
        ...(typeof opts.stdin === 'string' ? { stdin: opts.stdin } : {}),
        ...(opts.sudo ? { sudo: true } : {}),
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      },
      bytes,
    );
    return { exitCode: r.header.exitCode as number, stdout: r.header.stdout as string, stderr: r.header.stderr as string };
  }

  async put(remotePath: string, from: Uint8Array | { readonly localPath: string }, opts: PutOptions = {}): Promise<void> {
    // A local file is read by the daemon itself (same user, same machine): its bytes need not cross the socket.
    const bytes = from instanceof Uint8Array ? from : undefined;
    await this.#ask({ op: 'put', path: remotePath, opts, ...(bytes ? {} : { localPath: resolve((from as { localPath: string }).localPath) }) }, bytes);
  }

  async get(remotePath: string, opts: { readonly sudo?: boolean } = {}): Promise<Uint8Array | undefined> {
    const r = await this.#ask({ op: 'get', path: remotePath, ...(opts.sudo ? { sudo: true } : {}) });
    return r.header.missing ? undefined : new Uint8Array(r.body ?? Buffer.alloc(0));
  }

  async hold(command: string, opts: { readonly stdin: string; readonly until: string; readonly sudo?: boolean }): Promise<Held> {
    const r = await this.#ask({ op: 'hold', command, stdin: opts.stdin, until: opts.until, ...(opts.sudo ? { sudo: true } : {}) });
    const hold = r.header.hold as number;
    return {
      stdout: r.header.stdout as string,
      stderr: r.header.stderr as string,
      ...(typeof r.header.exitCode === 'number' ? { exitCode: r.header.exitCode } : {}),
      release: () => void this.#ask({ op: 'release', hold }).catch(() => undefined),
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.client.closed) await this.client.request({ op: 'close', lease: this.lease }, undefined, this.host).catch(() => undefined);
  }

  #ask(header: Record<string, unknown>, body?: Uint8Array) {
    return this.client.request({ ...header, lease: this.lease }, body, this.host);
  }
}
