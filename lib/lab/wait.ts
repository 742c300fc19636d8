/** Waiting for hosts to boot: poll until sshd sends its banner, with a deadline and a clear error. */
import { connect } from 'node:net';
import { LabError } from './run.js';

/** Resolve true when something at address:port greets with "SSH-" within timeoutMs. */
export function sshBanner(address: string, port = 22, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: address, port });
    const done = (ok: boolean) => (sock.destroy(), clearTimeout(timer), resolve(ok));
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.once('data', (d: Buffer) => done(d.toString('latin1').startsWith('SSH-')));
    sock.once('error', () => done(false));
    sock.once('close', () => done(false));
  });
}

/** Wait for sshd on every address; names the hosts that never answered (and where to look) on timeout. */
export async function waitForSsh(hosts: readonly { name: string; address: string; log: string }[], timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let waiting = [...hosts];
  while (waiting.length > 0) {
    const up = await Promise.all(waiting.map((h) => sshBanner(h.address)));
    waiting = waiting.filter((_, i) => !up[i]);
    if (waiting.length === 0) return;
    if (Date.now() > until)
      throw new LabError(`no sshd answered within ${timeoutMs / 1000} s on: ${waiting.map((h) => `${h.name} (${h.address}; boot log ${h.log})`).join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
