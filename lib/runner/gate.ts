/** Health gates: poll quickly with exponential backoff (never a fixed sleep), give up after `retries`. */
import { CommandTimeout, TransportError } from '../core/errors.js';
import type { ExecOptions, ExecResult } from '../core/connection.js';
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
  /** Attempts of the gate's probe already made on the host with the apply (role-run.ts earlyProbes), judged first. */
  readonly early?: readonly ExecResult[];
}

/** Attempts of a gate that does not say (about 13 s of waiting with the default delays). */
const RETRIES = 12;
/** How long the apply's round trip may wait on the host for a probe to pass: the rest is polled, with progress shown. */
const EARLY_WAIT_MS = 1000;
const EARLY_ATTEMPTS = 4;

/** Whether the gate can ride along with the apply, and the delays its first attempts take on the host. */
export function earlyDelays(gate: Gate<object>): number[] | undefined {
  if (!gate.probe) return undefined;
  const out: number[] = [];
  for (const d of backoff(gate)) {
    if (out.length + 1 >= Math.min(EARLY_ATTEMPTS, gate.retries ?? RETRIES) || out.reduce((a, b) => a + b, d) > EARLY_WAIT_MS) break;
    out.push(d);
  }
  return out;
}

/** The delays after attempt 1, 2, ...: exponential from the gate's first delay, doubling stopping at 2 s (or at that first delay when it is longer). */
function* backoff(gate: Polled): Generator<number> {
  let delay = gate.delayMs ?? 50;
  const cap = Math.max(2000, delay);
  for (;;) {
    yield delay;
    delay = Math.min(delay * 2, cap);
  }
}

/**
 * Resolves when the gate passes: `early` when one of the attempts made with the apply passed (GateRun.early),
 * `polled` when it took attempts of its own. Rejects as poll() does.
 */
export async function passGate(
  { gate, host, role, vars, cluster, driver, become = false, on, early = [] }: GateRun,
  deps: GateDeps,
): Promise<'early' | 'polled'> {
  // A gate's commands run as the play's other work does: as root when the play has become, unless the gate says.
  const exec = (command: string, opts: ExecOptions = {}) => driver.exec(command, { ...opts, sudo: opts.sudo ?? become });
  const subject = { host, vars, cluster, ...(on ? { on } : {}) };
  const where = on ? { on: on.name } : {};
  const report = (status: 'ok' | 'retry' | 'failed', attempt: number, error?: string) =>
    deps.emit({ kind: 'gate', host: host.name, role, gate: gate.name, status, attempt, ...(error === undefined ? {} : { error }), ...where });
  const attempts = gate.retries ?? RETRIES;
  for (const [i, res] of (gate.probe ? early : []).entries()) {
    try {
      gate.probe!.judge(res, subject);
      report('ok', i + 1);
      return 'early';
    } catch (e) {
      report(i + 1 >= attempts ? 'failed' : 'retry', i + 1, (e as Error).message);
      if (i + 1 >= attempts) throw e;
    }
  }
  await poll(gate, () => gate.check({ ...subject, exec }), report, deps.sleep, gate.probe ? early.length : 0);
  return 'polled';
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
  /** Attempts already made and failed elsewhere (on the host, with the apply): the schedule goes on after them. */
  done = 0,
): Promise<void> {
  const attempts = gate.retries ?? RETRIES;
  const delays = backoff(gate);
  for (let i = 1; i < done; i++) delays.next();
  if (done > 0) await sleep(delays.next().value as number);
  for (let attempt = done + 1; ; attempt++) {
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
      await sleep(delays.next().value as number);
    }
  }
}
