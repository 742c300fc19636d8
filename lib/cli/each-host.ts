/**
 * Ad-hoc work on many hosts (exec, facts): connect to each matching host, do one thing, at most `forks` at
 * once, and sort each host into ok, failed (reached, but the work failed or sudo refused) or unreachable
 * (the transport failed). Every driver opened is closed on every path. Transport and clock are injected.
 */
import pLimit from 'p-limit';
import type { HostDriver } from '../core/driver.js';
import { TransportError } from '../core/errors.js';
import type { Host } from '../core/model.js';
import { openedDrivers } from './drivers.js';

export type HostStatus = 'ok' | 'failed' | 'unreachable';

export interface HostDone<T> {
  readonly host: string;
  readonly status: HostStatus;
  /** What the work returned, when the host was reached and the work did not throw. */
  readonly value?: T;
  /** Why the host failed or was unreachable. */
  readonly error?: string;
  readonly ms: number;
}

export interface EachHostOptions<T> {
  readonly forks?: number;
  readonly connect: (host: Host) => Promise<HostDriver>;
  /** Whether a value counts as a failure (a command's non-zero exit); default never. */
  readonly failed?: (value: T) => boolean;
  /** Called as each host finishes, in the order they finish. */
  readonly onDone?: (done: HostDone<T>) => void;
  readonly now?: () => number;
}

/** Results in the order of `hosts`, whatever order they finished in. */
export async function onEachHost<T>(hosts: readonly Host[], work: (d: HostDriver, h: Host) => Promise<T>, o: EachHostOptions<T>): Promise<HostDone<T>[]> {
  const now = o.now ?? (() => performance.now());
  const drivers = openedDrivers(o.connect);
  const limit = pLimit(Math.max(1, Math.min(o.forks ?? Infinity, hosts.length || 1)));
  const one = async (h: Host): Promise<HostDone<T>> => {
    const t0 = now();
    const ms = () => Math.round(now() - t0);
    let done: HostDone<T>;
    try {
      const d = await drivers.connect(h);
      const value = await work(d, h);
      done = { host: h.name, status: o.failed?.(value) ? 'failed' : 'ok', value, ms: ms() };
    } catch (e) {
      done = { host: h.name, status: statusOf(e), error: e instanceof Error ? e.message : String(e), ms: ms() };
    }
    o.onDone?.(done);
    return done;
  };
  try {
    return await Promise.all(hosts.map((h) => limit(() => one(h))));
  } finally {
    await drivers.closeAll();
  }
}

/** A broken transport is an unreachable host; anything else that throws (sudo refused: BecomeError) failed it. */
const statusOf = (e: unknown): HostStatus => (e instanceof TransportError ? 'unreachable' : 'failed');
