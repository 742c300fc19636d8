/**
 * An in-process SSH server (ssh2's Server) on 127.0.0.1 for transport and CLI tests: a generated host key
 * (ed25519, or RSA only), any client key accepted, commands answered by a handler, and the count of client
 * connections still open, so a test can tell whether a failure left one behind.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2, { type ServerChannel } from 'ssh2';
import type { Host } from '../../lib/core/model.js';

const { Server, utils } = ssh2;

export interface FakeSshd {
  readonly port: number;
  /** The host key line as known_hosts holds it (type and base64), for `[127.0.0.1]:port`. */
  readonly knownHostsLine: string;
  /** A private key file a client can log in with. */
  readonly clientKey: string;
  /** Client connections accepted so far, and those not yet closed. */
  readonly accepted: number;
  readonly open: number;
  host(name?: string, over?: Partial<Host>): Host;
  close(): Promise<void>;
}

/** Answers one command: write to the channel, then `exit(code)`. */
export type ExecHandler = (command: string, channel: ServerChannel, exit: (code: number) => void) => void;

/**
 * A key pair from ssh2's generator that ssh2's own parser takes back: now and then (about 1 in 150 ed25519
 * keys) it writes one its parser calls malformed.
 */
export function keyPair(type: 'ed25519' | 'rsa', passphrase?: string): { private: string; public: string } {
  for (;;) {
    const k =
      type === 'rsa'
        ? utils.generateKeyPairSync('rsa', { bits: 2048 })
        : passphrase
          ? utils.generateKeyPairSync('ed25519', { passphrase, cipher: 'aes256-ctr', rounds: 4 })
          : utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(k.private, passphrase) instanceof Error)) return k;
  }
}

const answerTrue: ExecHandler = (_c, _ch, exit) => exit(0);

/** Run each command with this machine's sh, as sshd would run it on a host; `env` adds to the environment. */
export const runLocally =
  (env: Readonly<Record<string, string>> = {}): ExecHandler =>
  (command, ch, exit) => {
    const child = spawn('sh', ['-c', command], { env: { ...process.env, ...env } });
    ch.pipe(child.stdin);
    child.stdin.on('error', () => undefined);
    child.stdout.pipe(ch, { end: false });
    child.stderr.pipe(ch.stderr, { end: false });
    ch.on('close', () => child.kill('SIGKILL'));
    child.on('close', (code) => exit(code ?? 255));
  };

export async function fakeSshd(opts: { rsaOnly?: boolean; exec?: ExecHandler } = {}): Promise<FakeSshd> {
  const hostKey = keyPair(opts.rsaOnly ? 'rsa' : 'ed25519');
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-sshd-'));
  const clientKey = join(dir, 'id_ed25519');
  writeFileSync(clientKey, keyPair('ed25519').private, { mode: 0o600 });
  let accepted = 0;
  let open = 0;
  const exec = opts.exec ?? answerTrue;
  const server = new Server(
    {
      hostKeys: [hostKey.private],
      ...(opts.rsaOnly ? { algorithms: { serverHostKey: ['rsa-sha2-512', 'rsa-sha2-256'] } } : {}),
    },
    (client) => {
      accepted++;
      open++;
      client.on('close', () => open--);
      client.on('error', () => undefined);
      client.on('authentication', (ctx) => (ctx.method === 'publickey' ? ctx.accept() : ctx.reject(['publickey'])));
      client.on('session', (accept) => {
        accept().on('exec', (acceptExec, _reject, info) => {
          const ch = acceptExec();
          exec(info.command, ch, (code) => {
            ch.exit(code);
            ch.end();
          });
        });
      });
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const pub = hostKey.public.trim().split(/\s+/);
  return {
    port,
    knownHostsLine: `[127.0.0.1]:${port} ${pub[0]} ${pub[1]}`,
    clientKey,
    get accepted() {
      return accepted;
    },
    get open() {
      return open;
    },
    host: (name = 'sshd-1', over = {}) => ({
      name,
      address: '127.0.0.1',
      port,
      user: 'root',
      key: clientKey,
      transport: 'ssh',
      groups: ['all'],
      vars: {},
      ...over,
    }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Wait until `cond` holds, up to `ms`; false when it never did. */
export async function eventually(cond: () => boolean, ms = 2000): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 20))) if (cond()) return true;
  return cond();
}
