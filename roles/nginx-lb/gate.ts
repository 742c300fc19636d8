/**
 * The nginx-lb gate: nginx is active and listens on the API port, and on nothing else (no http site, the
 * distribution's default one included). The VIP and a connect through it are keepalived's gate.
 */
import type { Gate } from '../../lib/index.js';
import type { NginxLbVars } from './vars.js';

export const activeCommand = 'systemctl is-active nginx.service';
/** Every listening TCP socket with its process (root: ss sees every process). */
export const listenCommand = 'ss -Hltnp';

/** The local address:port of each socket nginx listens on, from `ss -Hltnp`. Pure. */
export const nginxSockets = (listing: string): string[] =>
  listing
    .split('\n')
    .filter((l) => l.includes('(("nginx"'))
    .map((l) => l.trim().split(/\s+/)[3] ?? '');

/** What is wrong with nginx's sockets, or undefined when it listens on the API port alone. Pure. */
export function socketsProblem(listing: string, port: number): string | undefined {
  const mine = nginxSockets(listing);
  const onPort = (s: string) => s.endsWith(`:${port}`);
  if (!mine.some(onPort)) return `nginx does not listen on port ${port}${mine.length ? ` (it listens on ${mine.join(', ')})` : ''}`;
  const others = mine.filter((s) => !onPort(s));
  return others.length ? `nginx listens on ${others.join(', ')} besides the API port ${port}: only the stream proxy should` : undefined;
}

export const servesGate: Gate<NginxLbVars> = {
  name: 'nginx is active and listens on the API port only',
  retries: 10,
  async check({ exec, vars }) {
    const a = await exec(activeCommand);
    if (a.exitCode !== 0) throw new Error(`nginx is not active (${a.stdout.trim() || a.stderr.trim()}): see journalctl -u nginx`);
    const l = await exec(listenCommand);
    if (l.exitCode !== 0) throw new Error(`${listenCommand} exited ${l.exitCode}: ${l.stderr.trim()}`);
    const problem = socketsProblem(l.stdout, vars.apiserver_port);
    if (problem) throw new Error(problem);
  },
};
