/** Health gates: poll quickly with exponential backoff (never a fixed sleep), give up after `retries`. */
import { CommandTimeout, TransportError } from '../core/errors.js';
import type { ExecOptions } from '../core/connection.js';
import type { Cluster, Host } from '../core/model.js';
import type { HostDriver } from '../core/driver.js';
import type { Gate } from '../dsl/role.js';
import type { RunEvent } from '../report/events.js';

export interface GateDeps {
  readonly emit: (e: RunEvent) => void;
  readonly sleep: (ms: number) => Promise<void>;
}

/** One host gate to pass: the gate, the host and role it checks, and the connection its commands go through. */
export interface GateRun {
  readonly gate: Gate<object>;
  readonly host: Host;
  readonly role: string;
  readonly vars: object;
  readonly cluster: Cluster;
  readonly driver: HostDriver;
  /** The play's become: the gate's commands run as root unless the gate says. */
  readonly become?: boolean;
  /** The host the role is delegated to, whose connection `driver` is. */
  readonly on?: Host;
}

/** Resolves when the gate passes; rejects with the last error when every attempt failed, or at once on a TransportError. */
export async function passGate({ gate, host, role, vars, cluster, driver, become = false, on }: GateRun, deps: GateDeps): Promise<void> {
  // A gate's commands run as the play's other work does: as root when the play has become, unless the gate says.
  const exec = (command: string, opts: ExecOptions = {}) => driver.exec(command, { ...opts, sudo: opts.sudo ?? become });
  const ctx = { host, vars, cluster, exec, ...(on ? { on } : {}) };
  const where = on ? { on: on.name } : {};
  await poll(
    gate,
    () => gate.check(ctx),
    (status, attempt, error) =>
      deps.emit({ kind: 'gate', host: host.name, role, gate: gate.name, status, attempt, ...(error === undefined ? {} : { error }), ...where }),
    deps.sleep,
  );
}

/** How often and how soon a gate is tried again. */
export interface Polled {
  readonly retries?: number;
  readonly delayMs?: number;
}

/**
 * Try `check` until it resolves, with exponential backoff; report each attempt. Rejects with the last
 * error when every attempt failed, or at once on a TransportError other than a CommandTimeout (retrying
 * cannot mend a broken connection; a probe that ran too long on a loaded host is one failed attempt).
 */
export async function poll(
  gate: Polled,
  check: () => Promise<void>,
  report: (status: 'ok' | 'retry' | 'failed', attempt: number, error?: string) => void,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  const attempts = gate.retries ?? 12;
  let delay = gate.delayMs ?? 50;
  // Doubling stops at 2 s, or at the gate's own first delay when that is longer (never shorter than asked).
  const cap = Math.max(2000, delay);
  for (let attempt = 1; ; attempt++) {
    try {
      await check();
      report('ok', attempt);
      return;
    } catch (e) {
      // A broken connection cannot be mended by asking again; a command that only ran too long can.
      if (e instanceof TransportError && !(e instanceof CommandTimeout)) throw e;
      const last = attempt >= attempts;
      report(last ? 'failed' : 'retry', attempt, (e as Error).message);
      if (last) throw e;
      await sleep(delay);
      delay = Math.min(delay * 2, cap);
    }
  }
}
