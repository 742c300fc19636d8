/**
 * Reaching the warm daemon: connect to its socket, start it (detached, so it outlives the run) when none
 * answers, and shake hands. A daemon of another build is asked to stop and a new one started: a run never
 * uses a transport older (or newer) than its own.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from '../../core/connection.js';
import { TransportError, TsplayError } from '../../core/errors.js';
import type { Host } from '../../core/model.js';
import type { SshOptions } from '../ssh-connect.js';
import { buildId } from './build-id.js';
import { WarmClient } from './client.js';
import { openWarm } from './connection.js';
import { LOG_NAME, SOCKET_NAME, privateDir, warmDir } from './paths.js';

export interface WarmSettings {
  /** The private directory of the socket; default warmDir(). */
  readonly dir?: string;
  /** A daemon this run starts leaves after this long without clients. */
  readonly idleMs: number;
}

export const DEFAULT_IDLE_MS = 10 * 60_000;
/** How long a daemon just started may take to listen. */
const START_MS = 10_000;

/** Connections through the warm daemon, one socket to it for every host of this process. */
export function warmConnector(s: WarmSettings): (host: Host, ssh: SshOptions) => Promise<Connection> {
  let client: Promise<WarmClient> | undefined;
  return async (host, ssh) => {
    client ??= reachDaemon(s);
    // A daemon that went away since this process reached it (stopped, idle) is reached again, once for all hosts.
    const current = client;
    if (
      await current.then(
        (c) => c.closed,
        () => false,
      )
    )
      if (client === current) client = reachDaemon(s);
    let c: WarmClient;
    try {
      c = await client;
    } catch (e) {
      if (e instanceof TsplayError && !(e instanceof TransportError)) throw e;
      throw new TransportError(host.name, (e as Error).message, { cause: e });
    }
    return openWarm(c, host, ssh);
  };
}

/** A handshaken client of a daemon of this build, started when needed. */
export async function reachDaemon(s: WarmSettings): Promise<WarmClient> {
  const dir = privateDir(s.dir ?? warmDir());
  const socketPath = join(dir, SOCKET_NAME);
  const build = buildId();
  for (let attempt = 0; ; attempt++) {
    const c = (await connectIfListening(socketPath)) ?? (await start(dir, socketPath, s.idleMs));
    const hello = await c.request({ op: 'hello', build });
    if (hello.header.build === build) return c;
    await c.request({ op: 'stop', why: `a client of build ${build} asked (this daemon is ${String(hello.header.build)})` }).catch(() => undefined);
    c.close();
    if (attempt > 0)
      throw new TsplayError(
        `the warm connection daemon just started reports build ${String(hello.header.build)}, not ${build}: tsplay changed on disk during this run?`,
      );
  }
}

/** A client of the daemon at this path, or undefined when none listens there; stopping it is `stop`. */
export async function connectIfListening(socketPath: string): Promise<WarmClient | undefined> {
  try {
    return await WarmClient.open(socketPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ECONNREFUSED') return undefined;
    throw new TsplayError(`cannot reach the warm connection daemon at ${socketPath}: ${(e as Error).message}`, { cause: e });
  }
}

async function start(dir: string, socketPath: string, idleMs: number): Promise<WarmClient> {
  const log = join(dir, LOG_NAME);
  // Keep the log short: it is for "why did the daemon stop", not history.
  if ((statSync(log, { throwIfNoEntry: false })?.size ?? 0) > 1_000_000) truncateSync(log, 0);
  const fd = openSync(log, 'a', 0o600);
  try {
    const { argv, env } = daemonCommand();
    const child = spawn(argv[0]!, [...argv.slice(1), socketPath, String(idleMs)], { detached: true, stdio: ['ignore', fd, fd], cwd: dir, env });
    child.unref();
  } finally {
    closeSync(fd);
  }
  // Two runs starting at once start two daemons: one binds, the other sees it and leaves; both runs find the one.
  const deadline = Date.now() + START_MS;
  for (;;) {
    const c = await connectIfListening(socketPath);
    if (c) return c;
    if (Date.now() > deadline) throw new TsplayError(`the warm connection daemon did not start within ${START_MS} ms; its log ${log} says: ${logTail(log)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** node and the daemon's entry point: compiled beside this file, or from the sources through ts-node (tests). */
function daemonCommand(): { argv: string[]; env: NodeJS.ProcessEnv } {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('.js')) return { argv: [process.execPath, self.replace(/spawn\.js$/, 'daemon-main.js')], env: process.env };
  const loader = import.meta.resolve('ts-node/esm/transpile-only');
  // ts-node looks for tsconfig.json from the cwd, which is the daemon's directory: name it.
  const env = { ...process.env, TS_NODE_PROJECT: join(dirname(self), '..', '..', '..', 'tsconfig.json') };
  return { argv: [process.execPath, '--loader', loader, '--no-warnings', self.replace(/spawn\.ts$/, 'daemon-main.ts')], env };
}

function logTail(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-3).join(' / ') || '(nothing)';
  } catch {
    return '(no log)';
  }
}
