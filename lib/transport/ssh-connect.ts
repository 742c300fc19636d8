/**
 * Opening an SSH session: host key verified against known_hosts (unknown keys refused unless trusted
 * explicitly), key file or ssh-agent, connect timeout, retry with backoff, keep-alive, and an optional jump
 * host (the target is reached through a channel forwarded by the bastion).
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { NodeSSH, type Config } from 'node-ssh';
import type { Client as SshClient } from 'ssh2';
import type { Duplex } from 'node:stream';
import { TransportError } from '../core/errors.js';
import type { Host } from '../core/model.js';
import {
  checkHostKey,
  hostField,
  hostKeyAlgorithms,
  hostMatches,
  knownHostsLine,
  knownKeyTypes,
  noCommonHostKeyType,
  parseKnownHosts,
  type HostKeyVerdict,
} from './known-hosts.js';
import { loadPrivateKey, readKnownHosts } from './ssh-files.js';

export interface SshOptions {
  /** known_hosts file that host keys are checked against. */
  readonly knownHosts: string;
  /** Append keys of hosts not in known_hosts (a changed key is still refused). Default false. */
  readonly trustNewHostKeys?: boolean;
  /** Time allowed for TCP connect plus SSH handshake and auth, per attempt. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Extra connect attempts after a failure that may pass (timeouts, refused); backoff doubles from 250 ms. */
  readonly retries?: number;
  /** Keep-alive probe interval; after 3 unanswered probes the connection counts as dead. Default 5 s. */
  readonly keepaliveMs?: number;
  /** Bastion to go through. */
  readonly jump?: Host;
  /** The ssh-agent socket; default $SSH_AUTH_SOCK, '' for none (the warm daemon passes its client's). */
  readonly agent?: string;
}

/** A failure that retrying cannot fix (wrong host key, refused credentials). */
class Permanent extends TransportError {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Connect with retries; the returned client is ready. `via` is the bastion's client when there is one. */
export async function openClient(host: Host, opts: SshOptions): Promise<{ client: SshClient; bastion?: SshClient }> {
  const bastion = opts.jump ? (await openClient(opts.jump, { ...opts, jump: undefined })).client : undefined;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        const sock = bastion ? await forward(bastion, host) : undefined;
        return { client: await attemptConnect(host, opts, sock), ...(bastion ? { bastion } : {}) };
      } catch (e) {
        if (e instanceof Permanent || attempt >= (opts.retries ?? 0)) throw e;
        await sleep(250 * 2 ** attempt);
      }
    }
  } catch (e) {
    bastion?.end();
    throw e;
  }
}

function forward(bastion: SshClient, host: Host): Promise<Duplex> {
  return new Promise((resolve, reject) =>
    bastion.forwardOut('127.0.0.1', 0, host.address, host.port, (err, stream) =>
      err ? reject(new TransportError(host.name, `jump host could not reach ${host.address}:${host.port}: ${err.message}`, { cause: err })) : resolve(stream),
    ),
  );
}

async function attemptConnect(host: Host, opts: SshOptions, sock?: Duplex): Promise<SshClient> {
  const agent = opts.agent ?? process.env.SSH_AUTH_SOCK;
  const name = hostField(host.address, host.port);
  const entries = parseKnownHosts(
    await readKnownHosts(opts.knownHosts).catch((e: Error) => {
      throw new Permanent(host.name, `cannot read known_hosts file ${opts.knownHosts}: ${e.message}`, { cause: e });
    }),
  );
  let verdict: HostKeyVerdict | undefined;
  let offered: Buffer | undefined;
  let serverKeyTypes: string[] | undefined;
  const types = knownKeyTypes(entries, name);
  const config: Config = {
    host: host.address,
    port: host.port,
    username: host.user,
    readyTimeout: opts.connectTimeoutMs ?? 10_000,
    keepaliveInterval: opts.keepaliveMs ?? 5_000,
    keepaliveCountMax: 3,
    ...(sock ? { sock } : {}),
    ...(host.key ? { privateKey: await readKey(host) } : {}),
    ...(agent ? { agent } : {}),
    // Ask for a key type known_hosts can vouch for, as OpenSSH does.
    ...(types.length ? { algorithms: { serverHostKey: hostKeyAlgorithms(types) as never } } : {}),
    // ssh2 tells the server's host key types only in its debug lines; they make "no matching host key format" say what to do.
    debug: (line: string) => {
      const m = /^Handshake: \(remote\) Host key format: (.*)$/.exec(line);
      if (m) serverKeyTypes = m[1]!.split(',').filter(Boolean);
    },
    hostVerifier: (key: Buffer) => {
      offered = key;
      verdict = checkHostKey(entries, name, key);
      return verdict.kind === 'known' || (verdict.kind === 'unknown' && opts.trustNewHostKeys === true);
    },
  };
  if (!host.key && !agent) throw new Permanent(host.name, `no way to log in as ${host.user}: the host has no key file and SSH_AUTH_SOCK is not set`);
  // node-ssh opens the session (handshake, auth, our host verifier); the rest of the transport drives its ssh2 client.
  const ssh = new NodeSSH();
  try {
    await ssh.connect(config);
  } catch (err) {
    if (/no matching host key format/.test((err as Error).message)) {
      const mine = entries.filter((e) => !e.marker && hostMatches(e.hosts, name));
      throw new Permanent(host.name, noCommonHostKeyType(host.address, host.port, opts.knownHosts, mine, serverKeyTypes), { cause: err });
    }
    throw explain(host, opts, name, verdict, err as Error & { level?: string });
  }
  const client = ssh.connection!;
  client.on('error', () => undefined); // later errors surface through 'close' on pending commands
  if (verdict?.kind === 'unknown' && offered) {
    try {
      await mkdir(dirname(opts.knownHosts), { recursive: true });
      await appendFile(opts.knownHosts, knownHostsLine(name, offered));
    } catch (e) {
      // The session is open: close it, or it keeps the process alive after the run gave up on this host.
      client.end();
      throw new Permanent(host.name, `cannot record its host key in ${opts.knownHosts}: ${(e as Error).message}`, { cause: e });
    }
  }
  return client;
}

async function readKey(host: Host): Promise<string> {
  const k = await loadPrivateKey(host.key!);
  if (!k.ok) throw new Permanent(host.name, `key file ${host.key} ${k.problem}`);
  return k.pem;
}

/** Turn an ssh2 failure into a TransportError that says what went wrong and where. */
function explain(host: Host, opts: SshOptions, name: string, v: HostKeyVerdict | undefined, err: Error & { level?: string }): TransportError {
  const where = `${host.user}@${host.address}:${host.port}`;
  if (v?.kind === 'mismatch')
    return new Permanent(
      host.name,
      `HOST KEY MISMATCH for ${name}: the key it offered differs from the ${v.keyType} key in ${opts.knownHosts} line ${v.line}. Refusing to connect (possible man-in-the-middle). If the host was rebuilt, remove that line.`,
      { cause: err },
    );
  if (v?.kind === 'revoked')
    return new Permanent(host.name, `host ${name} offered a key marked @revoked in ${opts.knownHosts} line ${v.line}; refusing to connect`, { cause: err });
  if (v?.kind === 'unknown' && !opts.trustNewHostKeys)
    return new Permanent(host.name, `host ${name} is not in ${opts.knownHosts}; refusing an unknown host key (add it, or pass --trust-new-host-keys)`, {
      cause: err,
    });
  if (err.level === 'client-authentication')
    return new Permanent(host.name, `authentication as ${host.user} failed at ${where} (key ${host.key ?? 'from ssh-agent'})`, { cause: err });
  if (/Timed out/.test(err.message))
    return new TransportError(host.name, `cannot connect to ${where}: no answer within ${opts.connectTimeoutMs ?? 10_000} ms`, { cause: err });
  return new TransportError(host.name, `cannot connect to ${where}: ${err.message}`, { cause: err });
}
