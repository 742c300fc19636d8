/**
 * The warm daemon's process: `node daemon-main.js SOCKET IDLE_MS`, started detached by the first run that
 * asks for warm connections (spawn.ts), its output appended to warm.log beside the socket.
 */
import { dirname } from 'node:path';
import { buildId } from './build-id.js';
import { serveWarm } from './daemon.js';
import { privateDir } from './paths.js';
import { sshDialer } from './ssh-dialer.js';

const [socketPath, idle] = process.argv.slice(2);
const idleMs = Number(idle);
if (!socketPath || !Number.isInteger(idleMs) || idleMs <= 0) {
  process.stderr.write('usage: daemon-main.js SOCKET IDLE_MS\n');
  process.exit(2);
}
const log = (line: string) => process.stderr.write(`${new Date().toISOString()} [${process.pid}] ${line}\n`);
try {
  privateDir(dirname(socketPath));
  const daemon = await serveWarm({ socketPath, build: buildId(), idleMs, dialer: sshDialer, log });
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => daemon.stop(`signal ${sig}`));
  await daemon.ended;
  // Sessions closing politely must not keep a stopped daemon around.
  setTimeout(() => process.exit(0), 2000).unref();
} catch (e) {
  log(`cannot start: ${(e as Error).message}`);
  process.exit(1);
}
