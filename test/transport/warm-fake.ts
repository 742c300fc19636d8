/** A fake Dialer for the warm daemon's tests: links whose connections record what they were asked, with failures on demand. */
import type { Connection, ExecOptions, ExecResult, Held } from '../../lib/core/connection.js';
import { BecomeError, TransportError } from '../../lib/core/errors.js';
import type { Host } from '../../lib/core/model.js';
import type { SshOptions } from '../../lib/transport/ssh-connect.js';
import type { Dialer, Link } from '../../lib/transport/warm/links.js';

/** The become password the fake sudo accepts. Not a plain word: secrets are masked process-wide, in every later test's messages. */
export const GOOD_PW = 'pw-good-7f3a';

export class FakeLink implements Link {
  alive = true;
  readonly #ended: (() => void)[] = [];
  readonly passwords: (string | undefined)[] = [];
  released = 0;
  closedConnections = 0;
  constructor(readonly dialer: FakeDialer) {}
  connection(host: Host, becomePassword: string | undefined): Connection {
    this.passwords.push(becomePassword);
    const link = this;
    return {
      host: host.name,
      async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
        if (!link.alive) throw new TransportError(host.name, 'the connection closed');
        if (command === 'become' && becomePassword !== GOOD_PW) throw new BecomeError(host.name, host.user, `sudo refused the become password on ${host.name}`);
        if (command === 'unreachable') throw new TransportError(host.name, 'command timed out after 5 ms: unreachable');
        const stdin = opts.stdin === undefined ? '' : Buffer.from(opts.stdin).toString('latin1');
        return { exitCode: command === 'false' ? 1 : 0, stdout: `${command}|${stdin}|${opts.sudo ? 'sudo' : ''}`, stderr: '' };
      },
      async put(path, from) {
        link.dialer.puts.push({ path, from: from instanceof Uint8Array ? Buffer.from(from).toString() : from.localPath });
      },
      async get(path) {
        return path === '/missing' ? undefined : new Uint8Array(Buffer.from(`bytes of ${path}`));
      },
      async hold(command, opts): Promise<Held> {
        return { stdout: `${command}:${opts.until}`, stderr: '', release: () => link.released++ };
      },
      async close() {
        link.closedConnections++;
      },
    };
  }
  onClose(cb: () => void): void {
    this.#ended.push(cb);
  }
  /** The host went away (rebooted): the session dies. */
  die(): void {
    this.alive = false;
    for (const cb of this.#ended.splice(0)) cb();
  }
  close(): void {
    this.alive = false;
    this.dialer.closed++;
  }
}

export class FakeDialer implements Dialer {
  readonly links: FakeLink[] = [];
  readonly puts: { path: string; from: string }[] = [];
  closed = 0;
  trustValue = 'known_hosts v1';
  refuse: string | undefined;
  async dial(host: Host, _ssh: SshOptions): Promise<Link> {
    if (this.refuse) throw new TransportError(host.name, this.refuse);
    const l = new FakeLink(this);
    this.links.push(l);
    return l;
  }
  async trust(): Promise<string> {
    return this.trustValue;
  }
}
