/**
 * The warm daemon's wire format, over a unix socket: frames of [u32 header length][u32 body length][header
 * JSON][body bytes]. Requests carry an id that their reply repeats; bytes (stdin, uploads, a file read) go in
 * the body, never in JSON. Errors cross as their class, host and message, and are rebuilt as the same class
 * on the client, so a run sees exactly what a direct connection would have thrown.
 */
import { BecomeError, ConfigError, TransportError, TsplayError } from '../../core/errors.js';

export interface Frame {
  readonly header: Record<string, unknown>;
  readonly body?: Buffer;
}

/** A header this large is a bug or a stranger on the socket, not a request. */
const MAX_HEADER = 16 * 1024 * 1024;

export function encodeFrame(header: Record<string, unknown>, body?: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32BE(json.length, 0);
  prefix.writeUInt32BE(body?.length ?? 0, 4);
  return Buffer.concat(body?.length ? [prefix, json, body] : [prefix, json]);
}

/** Feed socket chunks in, get whole frames out (a frame may span chunks, a chunk may hold several frames). */
export class FrameDecoder {
  #chunks: Buffer[] = [];
  #length = 0;

  push(chunk: Buffer): Frame[] {
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      if (this.#length < 8) break;
      const prefix = this.#peek(8);
      const headerLength = prefix.readUInt32BE(0);
      const bodyLength = prefix.readUInt32BE(4);
      if (headerLength > MAX_HEADER) throw new Error(`warm protocol: a frame header of ${headerLength} bytes (at most ${MAX_HEADER})`);
      const total = 8 + headerLength + bodyLength;
      if (this.#length < total) break;
      const all = this.#take(total);
      const header = JSON.parse(all.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, unknown>;
      frames.push(bodyLength ? { header, body: all.subarray(8 + headerLength) } : { header });
    }
    return frames;
  }

  #peek(n: number): Buffer {
    if (this.#chunks[0]!.length < n) this.#chunks = [Buffer.concat(this.#chunks)];
    return this.#chunks[0]!.subarray(0, n);
  }

  #take(n: number): Buffer {
    const joined = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
    const rest = joined.subarray(n);
    this.#chunks = rest.length ? [rest] : [];
    this.#length = rest.length;
    return joined.subarray(0, n);
  }
}

export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly host?: string;
  readonly user?: string;
  readonly where?: string;
  readonly stack?: string;
}

export function errorToWire(e: unknown): WireError {
  if (e instanceof TransportError) return { name: 'TransportError', message: e.message, host: e.host };
  if (e instanceof BecomeError) return { name: 'BecomeError', message: e.message, host: e.host, user: e.user };
  if (e instanceof ConfigError) return { name: 'ConfigError', message: e.message, ...(e.where ? { where: e.where } : {}) };
  if (e instanceof TsplayError) return { name: 'TsplayError', message: e.message };
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
}

/** `[host] text` -> `text`: the constructors add the prefix again. */
const unprefixed = (message: string, prefix: string) => (message.startsWith(prefix) ? message.slice(prefix.length) : message);

export function errorFromWire(w: WireError): Error {
  switch (w.name) {
    case 'TransportError':
      return new TransportError(w.host ?? '?', unprefixed(w.message, `[${w.host}] `));
    case 'BecomeError':
      return new BecomeError(w.host ?? '?', w.user ?? '?', unprefixed(w.message, `[${w.host}] `));
    case 'ConfigError':
      return w.where ? new ConfigError(unprefixed(w.message, `${w.where}: `), w.where) : new ConfigError(w.message);
    case 'TsplayError':
      return new TsplayError(w.message);
    default: {
      // A bug in the daemon: keep its stack, which says where.
      const e = new Error(`${w.message} (in the warm connection daemon)`);
      if (w.stack) e.stack = `${w.stack}\n    (in the warm connection daemon)`;
      return e;
    }
  }
}

/** What the client sends to open a host: the fields a connect uses, with paths made absolute. */
export interface WireHost {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly user: string;
  readonly key?: string;
}

export interface WireSsh {
  readonly knownHosts: string;
  readonly trustNewHostKeys?: boolean;
  readonly connectTimeoutMs?: number;
  readonly retries?: number;
  readonly keepaliveMs?: number;
  /** The client's ssh-agent socket ('' for none): the daemon logs in with the agent of the run that asks. */
  readonly agent: string;
}
