/** Health gates: poll quickly with exponential backoff (never a fixed sleep), give up after `retries`. */
import { TransportError } from '../core/errors.js';
import type { ExecOptions } from '../core/connection.js';
import type { Cluster, Host } from '../core/model.js';
import type { HostDriver } from '../core/driver.js';
import type { Gate } from '../dsl/role.js';
import type { RunEvent } from '../report/events.js';

export interface GateDeps {
  readonly emit: (e: RunEvent) => void;
  readonly sleep: (ms: number) => Promise<void>;
}

/** Resolves when the gate passes; rejects with the last error when every attempt failed, or at once on a TransportError. */
export async function passGate(gate: Gate<object>, host: Host, role: string, vars: object, cluster: Cluster, driver: HostDriver, deps: GateDeps, become = false, on?: Host): Promise<void> {
  const attempts = gate.retries ?? 12;
  let delay = gate.delayMs ?? 50;
  // Doubling stops at 2 s, or at the gate's own first delay when that is longer (never shorter than asked).
  const cap = Math.max(2000, delay);
  // A gate's commands run as the play's other work does: as root when the play has become, unless the gate says.
  const exec = (command: string, opts: ExecOptions = {}) => driver.exec(command, { ...opts, sudo: opts.sudo ?? become });
  const ctx = { host, vars, cluster, exec, ...(on ? { on } : {}) };
  const where = on ? { on: on.name } : {};
  for (let attempt = 1; ; attempt++) {
    try {
      await gate.check(ctx);
      deps.emit({ kind: 'gate', host: host.name, role, gate: gate.name, status: 'ok', attempt, ...where });
      return;
    } catch (e) {
      // The connection broke: retrying cannot help, and the host is unreachable rather than unhealthy.
      if (e instanceof TransportError) throw e;
      const error = (e as Error).message;
      const last = attempt >= attempts;
      deps.emit({ kind: 'gate', host: host.name, role, gate: gate.name, status: last ? 'failed' : 'retry', attempt, error, ...where });
      if (last) throw e;
      await deps.sleep(delay);
      delay = Math.min(delay * 2, cap);
    }
  }
}
