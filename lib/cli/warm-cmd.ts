/** `tsplay warm status|stop`: what the warm connection daemon holds, and ending it. */
import { join } from 'node:path';
import type { DaemonStats } from '../transport/warm/daemon.js';
import { SOCKET_NAME, privateDir, warmDir } from '../transport/warm/paths.js';
import { connectIfListening } from '../transport/warm/spawn.js';

export async function warmCommand(action: 'status' | 'stop', out: NodeJS.WritableStream): Promise<void> {
  const socketPath = join(privateDir(warmDir()), SOCKET_NAME);
  const c = await connectIfListening(socketPath);
  if (!c) return void out.write(`no warm connection daemon (${socketPath})\n`);
  try {
    if (action === 'stop') {
      await c.request({ op: 'stop', why: 'tsplay warm stop' });
      return void out.write('warm connection daemon stopped (its sessions close once the runs using them end)\n');
    }
    const s = (await c.request({ op: 'status' })).header.stats as DaemonStats;
    out.write(
      `warm connection daemon pid ${s.pid}, ${s.build}, up ${Math.round((Date.now() - s.startedAt) / 1000)} s, idle exit after ${s.idleMs / 1000} s\n` +
        `  socket ${socketPath}; ${s.clients - 1} run(s) connected, ${s.leases} lease(s), ${s.connects} connect(s) since start\n` +
        s.links.map((l) => `  ${l.host}  ${l.alive ? 'open' : 'connecting'}${l.leases ? `, ${l.leases} lease(s)` : ''}\n`).join(''),
    );
  } finally {
    c.close();
  }
}
