/**
 * Cluster-wide gates (Play.gates): after a batch's roles, each gate sees every host of the play and runs
 * commands on any inventory host through that host's one connection for the run; retried like host gates. A gate
 * that keeps failing returns why, and the caller fails the batch and stops the run.
 */
import type { ExecOptions } from '../core/connection.js';
import type { HostDriver } from '../core/driver.js';
import type { Cluster, Host } from '../core/model.js';
import type { ClusterGate } from '../dsl/playbook.js';
import type { Mode, RunEvent } from '../report/events.js';
import { poll } from './gate.js';

export interface ClusterGateRun {
  readonly play: string;
  readonly gates: readonly ClusterGate[];
  readonly hosts: readonly Host[];
  readonly batch: readonly Host[];
  readonly cluster: Cluster;
  readonly mode: Mode;
  readonly become: boolean;
  /** Something changed in the batch, or --verify: gates without `always` run only then. */
  readonly due: boolean;
  /** The run's door to an inventory host (undefined for a name that is none). */
  driver(name: string): Promise<HostDriver> | undefined;
  readonly emit: (e: RunEvent) => void;
  readonly sleep: (ms: number) => Promise<void>;
}

/** Undefined when every gate passed (or was not due); otherwise the failure, naming the gate. */
export async function passClusterGates(r: ClusterGateRun): Promise<Error | undefined> {
  for (const g of r.gates) {
    const base = { kind: 'cluster-gate', play: r.play, gate: g.name, hosts: r.batch.map((h) => h.name) } as const;
    if (r.mode === 'check' || (!r.due && !g.always)) {
      r.emit({ ...base, status: 'skipped', attempt: 0 });
      continue;
    }
    const exec = (host: Host | string, command: string, opts: ExecOptions = {}) => {
      const name = typeof host === 'string' ? host : host.name;
      const d = r.driver(name);
      if (!d) return Promise.reject(new Error(`${name} is not an inventory host (the play's hosts: ${r.hosts.map((h) => h.name).join(', ')})`));
      return d.then((x) => x.exec(command, { ...opts, sudo: opts.sudo ?? r.become }));
    };
    const ctx = { hosts: r.hosts, batch: r.batch, cluster: r.cluster, exec };
    try {
      await poll(
        g,
        () => g.check(ctx),
        (status, attempt, error) => r.emit({ ...base, status, attempt, ...(error === undefined ? {} : { error }) }),
        r.sleep,
      );
    } catch (e) {
      return new Error(`cluster gate "${g.name}" of play "${r.play}" failed: ${(e as Error).message}`, { cause: e });
    }
  }
  return undefined;
}
