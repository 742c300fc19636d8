/** The warm daemon's sessions over SSH: the direct transport's connect (ssh.ts), and known_hosts as the trust a session rests on. */
import { createHash } from 'node:crypto';
import type { Host } from '../../core/model.js';
import { hostField, hostMatches, parseKnownHosts } from '../known-hosts.js';
import { readKnownHosts } from '../ssh-files.js';
import { connectionOver, openSshLink } from '../ssh.js';
import type { SshOptions } from '../ssh-connect.js';
import type { Dialer, Link } from './links.js';

export const sshDialer: Dialer = {
  async dial(host: Host, ssh: SshOptions): Promise<Link> {
    const session = await openSshLink(host, ssh);
    let alive = true;
    const ended: (() => void)[] = [];
    session.client.on('close', () => {
      alive = false;
      for (const cb of ended.splice(0)) cb();
    });
    return {
      connection: (h, becomePassword) => connectionOver(h, session, becomePassword),
      get alive() {
        return alive;
      },
      onClose: (cb) => (alive ? ended.push(cb) : cb()),
      close: () => {
        session.client.end();
        session.bastion?.end();
      },
    };
  },

  /**
   * The known_hosts lines that decide about this host (and its jump host), and every marker line: a session
   * is reused only while they are what they were when its host key was checked. A read error gives a trust
   * no session has, so the run connects and reports the error as a direct one does.
   */
  async trust(host: Host, ssh: SshOptions): Promise<string> {
    const text = await readKnownHosts(ssh.knownHosts).catch((e: Error) => `unreadable ${Date.now()} ${e.message}`);
    const names = [hostField(host.address, host.port), ...(ssh.jump ? [hostField(ssh.jump.address, ssh.jump.port)] : [])];
    const hash = createHash('sha256');
    for (const e of parseKnownHosts(text))
      if (e.marker || names.some((n) => hostMatches(e.hosts, n))) hash.update(`${e.marker ?? ''} ${e.hosts} ${e.keyType} ${e.key}\n`);
    return hash.digest('hex');
  },
};
