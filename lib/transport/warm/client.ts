/**
 * A run's side of the warm daemon: one socket per process, requests matched to replies by id, a failure
 * of the socket failing every request pending on it. The socket keeps the process alive only while a
 * request is pending, so a run that ends without closing its connections still exits (the daemon then
 * ends their leases, releasing the hosts' locks).
 */
import { createConnection, type Socket } from 'node:net';
import { TransportError, TsplayError } from '../../core/errors.js';
import { FrameDecoder, type Frame, type WireError, encodeFrame, errorFromWire } from './protocol.js';

interface Pending {
  readonly resolve: (f: Frame) => void;
  readonly reject: (e: Error) => void;
  /** Whose request: a lost daemon fails it as that host's TransportError. */
  readonly host?: string;
}

export class WarmClient {
  readonly #pending = new Map<number, Pending>();
  readonly #decoder = new FrameDecoder();
  #nextId = 1;
  #lost: string | undefined;

  private constructor(
    private readonly sock: Socket,
    readonly socketPath: string,
  ) {
    sock.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = this.#decoder.push(chunk);
      } catch (e) {
        return this.#fail(`it sent something unreadable (${(e as Error).message})`);
      }
      for (const f of frames) {
        const p = this.#pending.get(f.header.id as number);
        if (!p) continue;
        this.#pending.delete(f.header.id as number);
        this.#idle();
        if (f.header.ok) p.resolve(f);
        else p.reject(errorFromWire(f.header.error as WireError));
      }
    });
    sock.on('error', (e) => this.#fail(e.message));
    sock.on('close', () => this.#fail('it closed the connection'));
  }

  /** Connect to the daemon's socket; rejects with the socket's error (ENOENT, ECONNREFUSED) when none listens. */
  static open(socketPath: string): Promise<WarmClient> {
    return new Promise((resolve, reject) => {
      const sock = createConnection(socketPath);
      sock.once('connect', () => {
        sock.off('error', reject);
        const c = new WarmClient(sock, socketPath);
        c.#idle();
        resolve(c);
      });
      sock.once('error', reject);
    });
  }

  /** Send a request; its reply's header and body, or its error rebuilt as the class the daemon threw. */
  request(header: Record<string, unknown>, body?: Uint8Array, host?: string): Promise<Frame> {
    if (this.#lost) return Promise.reject(this.#error(host));
    const id = this.#nextId++;
    return new Promise<Frame>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, ...(host ? { host } : {}) });
      this.sock.ref();
      this.sock.write(encodeFrame({ ...header, id }, body));
    });
  }

  close(): void {
    this.#lost ??= 'the run closed it';
    this.sock.end();
  }

  get closed(): boolean {
    return this.#lost !== undefined;
  }

  #idle(): void {
    if (this.#pending.size === 0) this.sock.unref();
  }

  #fail(why: string): void {
    this.#lost ??= why;
    for (const p of this.#pending.values()) p.reject(this.#error(p.host));
    this.#pending.clear();
  }

  #error(host: string | undefined): Error {
    const text = `the warm connection daemon (${this.socketPath}) went away: ${this.#lost}`;
    return host ? new TransportError(host, text) : new TsplayError(text);
  }
}
