/**
 * The warm daemon's SSH sessions, one per (user, address, port, key, known_hosts file and policy, agent, jump
 * host). A session is reused only while it is alive and known_hosts still vouches for the host as it did
 * when it connected; otherwise the next run connects again, through the same connect code and checks as a
 * direct run. Sessions being dialled are shared by the runs that ask meanwhile.
 */
import type { Connection } from '../../core/connection.js';
import type { Host } from '../../core/model.js';
import type { SshOptions } from '../ssh-connect.js';

/** One open session to a host, held by the daemon. */
export interface Link {
  /** A Connection for one run, with that run's become password; its close() leaves the link open. */
  connection(host: Host, becomePassword: string | undefined): Connection;
  readonly alive: boolean;
  /** Called once, when the session ends (the host went away, a keep-alive went unanswered). */
  onClose(cb: () => void): void;
  close(): void;
}

/** How the daemon opens sessions: over SSH (ssh-dialer.ts), or a fake in tests. */
export interface Dialer {
  dial(host: Host, ssh: SshOptions): Promise<Link>;
  /** What a session's trust rests on now (the known_hosts lines for the host): a session opened under other lines is not reused. */
  trust(host: Host, ssh: SshOptions): Promise<string>;
}

interface Entry {
  readonly key: string;
  readonly trust: string;
  readonly label: string;
  readonly link: Promise<Link>;
  /** Set once connected. */
  value?: Link;
  leases: number;
  retired: boolean;
  connectedAt?: number;
}

export interface Acquired {
  readonly link: Link;
  /** Connected for an earlier run (so it may have died unnoticed since). */
  readonly reused: boolean;
  release(): void;
}

export interface LinkStats {
  readonly host: string;
  readonly leases: number;
  readonly alive: boolean;
  readonly connectedAt?: number;
}

const keyOf = (host: Host, ssh: SshOptions) =>
  JSON.stringify([
    host.user,
    host.address,
    host.port,
    host.key ?? null,
    ssh.knownHosts,
    ssh.trustNewHostKeys === true,
    ssh.agent ?? null,
    ssh.jump ? [ssh.jump.user, ssh.jump.address, ssh.jump.port, ssh.jump.key ?? null] : null,
  ]);

export class Links {
  readonly #entries = new Map<string, Entry>();
  /** Sessions dialled since the daemon started (what the tests count). */
  connects = 0;

  constructor(
    private readonly dialer: Dialer,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** A live session for this host, connecting when there is none (or when the one there is `dead`). */
  async acquire(host: Host, ssh: SshOptions, dead?: Link): Promise<Acquired> {
    const key = keyOf(host, ssh);
    const trust = await this.dialer.trust(host, ssh);
    let entry = this.#entries.get(key);
    const died = entry?.value !== undefined && (entry.value === dead || !entry.value.alive);
    if (entry && (died || entry.trust !== trust)) {
      this.log(`${entry.label}: ${died ? 'the session died' : 'known_hosts changed for it'}, connecting again`);
      this.#retire(entry);
      entry = undefined;
    }
    const reused = entry?.value !== undefined;
    entry ??= this.#dial(key, trust, host, ssh);
    entry.leases++;
    let link: Link;
    try {
      link = await entry.link;
    } catch (e) {
      entry.leases--;
      throw e;
    }
    const held = entry;
    let released = false;
    return {
      link,
      reused,
      release: () => {
        if (released) return;
        released = true;
        held.leases--;
        if (held.retired && held.leases === 0) held.value?.close();
      },
    };
  }

  stats(): LinkStats[] {
    return [...this.#entries.values()].map((e) => ({
      host: e.label,
      leases: e.leases,
      alive: e.value?.alive ?? false,
      ...(e.connectedAt ? { connectedAt: e.connectedAt } : {}),
    }));
  }

  get leases(): number {
    return [...this.#entries.values()].reduce((n, e) => n + e.leases, 0);
  }

  closeAll(): void {
    for (const e of [...this.#entries.values()]) this.#retire(e, true);
  }

  #dial(key: string, trust: string, host: Host, ssh: SshOptions): Entry {
    const label = `${host.user}@${host.address}:${host.port}${ssh.jump ? ` via ${ssh.jump.address}` : ''}`;
    this.connects++;
    this.log(`${label}: connecting`);
    const entry: Entry = { key, trust, label, link: this.dialer.dial(host, ssh), leases: 0, retired: false };
    this.#entries.set(key, entry);
    entry.link.then(
      (l) => {
        entry.value = l;
        entry.connectedAt = Date.now();
        if (entry.retired && entry.leases === 0) return l.close();
        l.onClose(() => {
          this.log(`${label}: session ended`);
          if (this.#entries.get(key) === entry) this.#entries.delete(key);
        });
      },
      (e: Error) => {
        this.log(`${label}: cannot connect: ${e.message}`);
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      },
    );
    return entry;
  }

  #retire(entry: Entry, now = false): void {
    if (this.#entries.get(entry.key) === entry) this.#entries.delete(entry.key);
    entry.retired = true;
    if (now || entry.leases === 0) entry.value?.close();
  }
}
