/** What every part of a run shares: its inputs, its hosts, its queues and the one way it speaks (events). */
import type { HostDriver } from '../core/driver.js';
import type { Cluster, Host } from '../core/model.js';
import type { Mode, Reporter, RunEvent } from '../report/events.js';
import type { GateDeps } from './gate.js';
import type { PlanHook } from './plan/hook.js';
import type { Queue, Turn } from './queues.js';
import type { RunHosts } from './run-hosts.js';

export interface RunDeps {
  /** Open the host's one connection for this run; a rejection makes the host unreachable. */
  connect(host: Host): Promise<HostDriver>;
  readonly reporter: Reporter;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export interface RunOptions {
  readonly playbook: string;
  readonly mode: Mode;
  readonly diff: boolean;
  /** Hosts worked on at once; default: all. */
  readonly forks?: number;
  /** Run health gates on every host of a role, not only where something changed (costs round trips). */
  readonly verify?: boolean;
  /** Milliseconds from process start to this run (loading, compiling, controller work), for the report. */
  readonly startupMs?: number;
  /** How long to wait for a host another run holds (default LOCK_TIMEOUT_MS), then fail that host. */
  readonly lockTimeoutMs?: number;
  /** Plan files: record each role's plan (check) or apply only what was recorded (see plan/hook.ts). */
  readonly plan?: PlanHook;
}

export interface RunContext {
  readonly cluster: Cluster;
  readonly opts: RunOptions;
  readonly hosts: RunHosts;
  /** Every event goes out through here, error texts scrubbed of secrets. */
  readonly emit: (e: RunEvent) => void;
  readonly gateDeps: GateDeps;
  readonly now: () => number;
  /** Per role of a play (`play:role`): rolling roles settle (handlers, gates) one host at a time. */
  readonly turn: (key: string) => Turn;
  /** Per host: delegated roles go through the host they run on one at a time. */
  readonly door: (host: string) => Queue;
}
