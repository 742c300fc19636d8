/** defineRole: a typed role. Vars are checked at compile time (TS) and at run time (the optional zod schema). */
import type { ZodType } from 'zod';
import type { ExecOptions, ExecResult } from '../core/connection.js';
import type { Cluster, Host } from '../core/model.js';
import type { AnyResource, Handler } from '../core/resource.js';

export interface GateContext<V> {
  /** The host being converged (whose vars these are). */
  readonly host: Host;
  readonly vars: V;
  readonly cluster: Cluster;
  /** For a delegated role (UseOptions.delegateTo): the host `exec` runs on. */
  readonly on?: Host;
  /** Run a command on the host (on `on` when delegated); resolves with its result whatever the exit code. */
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
}

/** A health gate run after the role applied: retried with exponential backoff until it stops throwing. */
export interface Gate<V> {
  readonly name: string;
  /** Attempts in all (default 12: about 13 s of waiting with the default delays). */
  readonly retries?: number;
  /** First delay between attempts, doubled each time up to 2 s (default 50 ms: a service that was just
   * (re)started is often up a moment later, and a longer first wait would be paid on every first apply). */
  readonly delayMs?: number;
  check(ctx: GateContext<V>): Promise<void>;
  /**
   * Set when the check is one command and a verdict on its result (commandGate): the runner can then send
   * the command's first attempts along with the apply that (re)started what it checks, in the same round trip.
   */
  readonly probe?: GateProbe<V>;
}

/** What a gate knows of its host besides running commands there. */
export type GateSubject<V> = Omit<GateContext<V>, 'exec'>;

export interface GateProbe<V> {
  /** The command, run as the play's other work is (as root under become). It must end on its own (curl --max-time). */
  command(ctx: GateSubject<V>): string;
  /** Throws, saying why, when the result does not pass. */
  judge(r: ExecResult, ctx: GateSubject<V>): void;
}

export interface Role<V extends object = object> {
  readonly name: string;
  readonly tags: readonly string[];
  readonly defaults: V;
  /**
   * Inventory vars the role reads besides its own (its defaults' keys): names shared by several roles and
   * read through `cluster.vars`, such as the cluster's service_cidr. Only named vars pass the unknown-var check.
   */
  readonly sharedVars?: readonly string[];
  /** Run-time validation of the merged vars; errors name the field. */
  readonly schema?: ZodType<V>;
  resources(vars: V, host: Host, cluster: Cluster): readonly AnyResource[];
  /** Named handlers; resources notify them by name. */
  handlers?(vars: V, host: Host, cluster: Cluster): Readonly<Record<string, Handler>>;
  /** Health gates, run in order after apply (and after handlers). */
  readonly verify?: readonly Gate<V>[];
  /**
   * Rolling restarts: when handlers run, the play's hosts take turns - one host runs its handlers and
   * passes its gates before the next starts its own - so a restart never takes down a quorum (etcd,
   * apiservers). Applying changes (including first starts) stays parallel.
   */
  readonly rolling?: boolean;
}

export interface RoleSpec<V extends object> extends Omit<Role<V>, 'tags'> {
  readonly tags?: readonly string[];
}

/** The role's name is always one of its tags, so `--tags etcd` selects the etcd role. */
export function defineRole<V extends object>(spec: RoleSpec<V>): Role<V> {
  return { ...spec, tags: [...new Set([spec.name, ...(spec.tags ?? [])])] };
}

/** Every plain inventory var name a role reads: its own, then the shared ones. */
export const varsRead = (role: Role<object>): readonly string[] => [...Object.keys(role.defaults), ...(role.sharedVars ?? [])];
