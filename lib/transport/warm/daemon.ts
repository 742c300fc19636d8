/**
 * The warm daemon: keeps SSH sessions open between runs (as OpenSSH's ControlPersist does) and serves runs
 * over a unix socket in a private directory. A run opens a lease per host, with its own become password
 * (held only for the lease: the daemon never keeps one past the run) and its own sudo probe; its commands
 * go through a Connection over the shared session, so every check and error is the direct transport's. A
 * lease ends when the run closes it or its socket goes; a held command (the host lock) ends with it. The
 * daemon leaves when idle, when told to stop, or when a client of another build asks it to.
 */
import { chmodSync, statSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { Connection, Held } from '../../core/connection.js';
import { TransportError, TsplayError } from '../../core/errors.js';
import type { Host } from '../../core/model.js';
import type { SshOptions } from '../ssh-connect.js';
import { type Dialer, type Link, Links, type LinkStats } from './links.js';
import { FrameDecoder, type Frame, type WireHost, type WireSsh, encodeFrame, errorToWire } from './protocol.js';

export interface DaemonOptions {
  readonly socketPath: string;
  readonly build: string;
  /** Leave after this long with no client connected. */
  readonly idleMs: number;
  readonly dialer: Dialer;
  readonly log?: (line: string) => void;
}

export interface DaemonStats {
  readonly pid: number;
  readonly build: string;
  readonly startedAt: number;
  readonly idleMs: number;
  /** Sessions dialled since start. */
  readonly connects: number;
  readonly clients: number;
  readonly leases: number;
  readonly links: readonly LinkStats[];
}

export interface WarmDaemon {
  stats(): DaemonStats;
  /** Stop taking clients (the socket goes at once), and end once the connected ones have left. */
  stop(why: string): void;
  /** Settles with why the daemon ended. */
  readonly ended: Promise<string>;
}

interface Lease {
  readonly host: Host;
  readonly ssh: SshOptions;
  readonly becomePassword: string | undefined;
  link: Link;
  conn: Connection;
  reused: boolean;
  started: boolean;
  release(): void;
  readonly holds: Map<number, Held>;
}

export async function serveWarm(o: DaemonOptions): Promise<WarmDaemon> {
  const log = o.log ?? (() => undefined);
  const links = new Links(o.dialer, log);
  const clients = new Set<Socket>();
  const startedAt = Date.now();
  let stopping: string | undefined;
  let idle: NodeJS.Timeout | undefined;
  let ended!: (why: string) => void;
  const endedP = new Promise<string>((r) => (ended = r));
  let nextId = 1;

  const server = createServer((sock) => serveClient(sock));
  await listen(server, o.socketPath);
  chmodSync(o.socketPath, 0o600);
  const ino = statSync(o.socketPath).ino;
  log(`listening on ${o.socketPath} (build ${o.build}, pid ${process.pid}, idle exit after ${o.idleMs} ms)`);

  const armIdle = () => {
    clearTimeout(idle);
    if (clients.size === 0) idle = setTimeout(() => stop(`idle for ${o.idleMs} ms`), o.idleMs);
  };
  const finishIfDrained = () => {
    if (stopping === undefined || clients.size > 0) return;
    clearTimeout(idle);
    links.closeAll();
    log(`stopped: ${stopping}`);
    ended(stopping);
  };
  function stop(why: string): void {
    if (stopping !== undefined) return;
    stopping = why;
    server.close();
    // Only our own socket: a newer daemon may have bound the path already.
    try {
      if (statSync(o.socketPath).ino === ino) unlinkSync(o.socketPath);
    } catch {}
    finishIfDrained();
  }
  armIdle();

  const stats = (): DaemonStats => ({
    pid: process.pid,
    build: o.build,
    startedAt,
    idleMs: o.idleMs,
    connects: links.connects,
    clients: clients.size,
    leases: links.leases,
    links: links.stats(),
  });

  function serveClient(sock: Socket): void {
    clients.add(sock);
    clearTimeout(idle);
    const leases = new Map<number, Lease>();
    const decoder = new FrameDecoder();
    const reply = (id: unknown, header: Record<string, unknown>, body?: Uint8Array) => {
      if (!sock.destroyed) sock.write(encodeFrame({ id, ...header }, body));
    };
    sock.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = decoder.push(chunk);
      } catch (e) {
        log(`dropping a client: ${(e as Error).message}`);
        return void sock.destroy();
      }
      for (const f of frames)
        void handle(f, leases, sock).then(
          (r) => reply(f.header.id, { ok: true, ...r.header }, r.body),
          (e) => reply(f.header.id, { ok: false, error: errorToWire(e) }),
        );
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      clients.delete(sock);
      for (const lease of leases.values()) void endLease(lease);
      leases.clear();
      if (stopping === undefined) armIdle();
      finishIfDrained();
    });
  }

  async function endLease(lease: Lease): Promise<void> {
    lease.holds.clear();
    await lease.conn.close().catch(() => undefined);
    lease.release();
  }

  /** A lease's operation. Its first on a session kept from an earlier run: when it finds the session dead (the host rebooted), connect again and retry once. */
  async function run<T>(lease: Lease, op: (c: Connection) => Promise<T>): Promise<T> {
    const first = !lease.started;
    lease.started = true;
    try {
      return await op(lease.conn);
    } catch (e) {
      if (!(first && lease.reused && e instanceof TransportError) || lease.link.alive) throw e;
      log(`${lease.host.name}: ${e.message}; connecting again`);
      const got = await links.acquire(lease.host, lease.ssh, lease.link);
      lease.release();
      void lease.conn.close().catch(() => undefined);
      Object.assign(lease, { link: got.link, conn: got.link.connection(lease.host, lease.becomePassword), reused: got.reused, release: got.release });
      return op(lease.conn);
    }
  }

  async function handle(f: Frame, leases: Map<number, Lease>, sock: Socket): Promise<{ header: Record<string, unknown>; body?: Uint8Array }> {
    const h = f.header;
    const leaseOf = () => {
      const l = leases.get(h.lease as number);
      if (!l) throw new TsplayError(`warm connection daemon: no open lease ${String(h.lease)} (closed already?)`);
      return l;
    };
    switch (h.op) {
      case 'hello':
        return { header: { build: o.build, pid: process.pid } };
      case 'status':
        return { header: { stats: stats() } };
      case 'stop':
        stop(typeof h.why === 'string' ? h.why : 'asked to stop');
        return { header: {} };
      case 'open': {
        if (stopping !== undefined) throw new TsplayError(`warm connection daemon is stopping (${stopping})`);
        const host = hostOf(h.host as WireHost);
        const ssh = sshOf(h.ssh as WireSsh, h.jump as WireHost | undefined);
        const becomePassword = typeof h.becomePassword === 'string' ? h.becomePassword : undefined;
        const got = await links.acquire(host, ssh);
        if (sock.destroyed) {
          got.release();
          throw new TsplayError('the client went away');
        }
        const id = nextId++;
        const conn = got.link.connection(host, becomePassword);
        leases.set(id, { host, ssh, becomePassword, link: got.link, conn, reused: got.reused, started: false, release: got.release, holds: new Map() });
        return { header: { lease: id, reused: got.reused } };
      }
      case 'exec': {
        const stdin = f.body ?? (typeof h.stdin === 'string' ? h.stdin : undefined);
        const r = await run(leaseOf(), (c) =>
          c.exec(h.command as string, {
            ...(stdin !== undefined ? { stdin } : {}),
            ...(h.sudo ? { sudo: true } : {}),
            ...(typeof h.timeoutMs === 'number' ? { timeoutMs: h.timeoutMs } : {}),
          }),
        );
        return { header: { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr } };
      }
      case 'put': {
        const from = typeof h.localPath === 'string' ? { localPath: h.localPath } : new Uint8Array(f.body ?? Buffer.alloc(0));
        await run(leaseOf(), (c) => c.put(h.path as string, from, (h.opts as Record<string, unknown>) ?? {}));
        return { header: {} };
      }
      case 'get': {
        const bytes = await run(leaseOf(), (c) => c.get(h.path as string, h.sudo ? { sudo: true } : {}));
        return bytes === undefined ? { header: { missing: true } } : { header: {}, body: bytes };
      }
      case 'hold': {
        const lease = leaseOf();
        const held = await run(lease, (c) => {
          if (!c.hold) throw new TsplayError(`[${lease.host.name}] this connection cannot hold a command`);
          return c.hold(h.command as string, { stdin: h.stdin as string, until: h.until as string, ...(h.sudo ? { sudo: true } : {}) });
        });
        const id = nextId++;
        lease.holds.set(id, held);
        return { header: { hold: id, stdout: held.stdout, stderr: held.stderr, ...(held.exitCode !== undefined ? { exitCode: held.exitCode } : {}) } };
      }
      case 'release': {
        const lease = leaseOf();
        lease.holds.get(h.hold as number)?.release();
        lease.holds.delete(h.hold as number);
        return { header: {} };
      }
      case 'close': {
        const lease = leases.get(h.lease as number);
        if (lease) {
          leases.delete(h.lease as number);
          await endLease(lease);
        }
        return { header: {} };
      }
      default:
        throw new TsplayError(`warm connection daemon: unknown request ${JSON.stringify(h.op)}`);
    }
  }

  return { stats, stop, ended: endedP };
}

const hostOf = (w: WireHost): Host => ({
  name: w.name,
  address: w.address,
  port: w.port,
  user: w.user,
  ...(w.key ? { key: w.key } : {}),
  transport: 'ssh',
  groups: [],
  vars: {},
});

function sshOf(w: WireSsh, jump: WireHost | undefined): SshOptions {
  return {
    knownHosts: w.knownHosts,
    agent: w.agent,
    ...(w.trustNewHostKeys ? { trustNewHostKeys: true } : {}),
    ...(w.connectTimeoutMs !== undefined ? { connectTimeoutMs: w.connectTimeoutMs } : {}),
    ...(w.retries !== undefined ? { retries: w.retries } : {}),
    ...(w.keepaliveMs !== undefined ? { keepaliveMs: w.keepaliveMs } : {}),
    ...(jump ? { jump: hostOf(jump) } : {}),
  };
}

/** Listen on the path; a socket file nobody answers on (a daemon that died) is removed first. */
async function listen(server: Server, path: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(path, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt > 0) throw e;
      if (await answers(path)) throw new TsplayError(`a warm connection daemon is already listening on ${path}`);
      unlinkSync(path);
    }
  }
}

const answers = (path: string) =>
  new Promise<boolean>((resolve) => {
    const s = createConnection(path);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
