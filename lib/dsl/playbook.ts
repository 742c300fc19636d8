/** definePlaybook: plays of (hosts, roles with typed var overrides, options). Data, not logic. */
import type { ExecOptions, ExecResult } from '../core/connection.js';
import type { Cluster, Host } from '../core/model.js';
import type { Role } from './role.js';

/** A role with overrides, type-erased so that plays can hold roles of different var types. */
export interface RoleUse {
  readonly role: Role<object>;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly tags: readonly string[];
  /** Only on the first host of the play's selection (e.g. a bootstrap step). */
  readonly runOnce: boolean;
  /** Only on hosts for which this is true. */
  readonly when?: (host: Host) => boolean;
  /** Run on another host (Ansible's delegate_to), see UseOptions.delegateTo. */
  readonly delegateTo?: DelegateTo;
}

/**
 * Where a role converging `host` runs its queries, actions, handlers and gates: the name of another
 * inventory host (or `host.name` itself for no delegation). The role's resources are still built with
 * the converged host's vars and Host; only the door differs. Resolved at compile time: an unknown name
 * fails before any host is touched.
 */
export type DelegateTo = (host: Host, cluster: Cluster) => string;

export interface UseOptions {
  readonly tags?: readonly string[];
  readonly runOnce?: boolean;
  readonly when?: (host: Host) => boolean;
  /** Delegate the role to another inventory host (e.g. `member add` on a healthy member); shown as "new (on other)". */
  readonly delegateTo?: DelegateTo;
}

/** Use a role with overrides; a misspelt var is a compile error. */
export function use<V extends object>(role: Role<V>, vars: Partial<V> = {}, opts: UseOptions = {}): RoleUse {
  return {
    role: role as unknown as Role<object>,
    vars: vars as Record<string, unknown>,
    tags: opts.tags ?? [],
    runOnce: opts.runOnce ?? false,
    ...(opts.when ? { when: opts.when } : {}),
    ...(opts.delegateTo ? { delegateTo: opts.delegateTo } : {}),
  };
}

/** A play's role entry as a RoleUse (a bare role is used without overrides). */
export const roleUse = (r: RoleUse | Role<object>): RoleUse => ('role' in r ? r : use(r));

export type Serial = number | `${number}%` | readonly (number | `${number}%`)[];

/** What a cluster-wide gate sees: every host of the play, and a door to each. */
export interface ClusterGateContext {
  /** Every host of the play (all batches), in inventory order. */
  readonly hosts: readonly Host[];
  /** The batch just run (all of `hosts` without serial). */
  readonly batch: readonly Host[];
  readonly cluster: Cluster;
  /** Run a command on a host of the run (by Host or name) through its one connection; any exit code resolves. */
  exec(host: Host | string, command: string, opts?: ExecOptions): Promise<ExecResult>;
}

/**
 * A gate on a whole play ("member list equals the inventory", "exactly one VIP holder"): run after each
 * batch once its roles are done (where something changed, or with --verify, or always when `always`),
 * retried like host gates; when it keeps failing, the batch's hosts fail and the play and run stop.
 * Skipped in check mode (nothing changed that it could see).
 */
export interface ClusterGate {
  readonly name: string;
  /** Attempts in all (default 12), first delay (default 50 ms, doubled up to 2 s): as Gate. */
  readonly retries?: number;
  readonly delayMs?: number;
  /** Run after every batch even when nothing changed in it. */
  readonly always?: boolean;
  check(ctx: ClusterGateContext): Promise<void>;
}

export interface Play {
  readonly name: string;
  /** Host pattern: group, host, glob, `a:b` (union), `a:!b` (minus), `a:&b` (intersection). */
  readonly hosts: string;
  readonly roles: readonly (RoleUse | Role<object>)[];
  readonly tags?: readonly string[];
  /** Batches: run the whole play on N hosts (or N%) at a time; a list gives successive batch sizes. */
  readonly serial?: Serial;
  /** At most this many hosts at once in this play (below --forks). */
  readonly throttle?: number;
  /** linear: every host finishes a role before any starts the next. free: each host runs on alone. */
  readonly strategy?: 'linear' | 'free';
  /** One failed host stops the play for all. */
  readonly anyErrorsFatal?: boolean;
  /** Stop the play when more than this percentage of a batch has failed. */
  readonly maxFailPercent?: number;
  /** Run every role of the play on the first selected host only. */
  readonly runOnce?: boolean;
  /** Apply and query as root through sudo. */
  readonly become?: boolean;
  /** Cluster-wide gates, after each batch (see ClusterGate). */
  readonly gates?: readonly ClusterGate[];
  /**
   * Batch hooks: roles run on each host of a batch before (after) the play's roles, as a linear step
   * whatever the strategy; with delegateTo they run elsewhere (cordon/drain through a control-plane host).
   */
  readonly beforeBatch?: readonly (RoleUse | Role<object>)[];
  readonly afterBatch?: readonly (RoleUse | Role<object>)[];
}

/** Every role use of a play, in run order: beforeBatch hooks, the play's roles, afterBatch hooks. */
export const playRoles = (play: Play): RoleUse[] => [...(play.beforeBatch ?? []), ...play.roles, ...(play.afterBatch ?? [])].map(roleUse);

export interface Playbook {
  readonly name: string;
  readonly plays: readonly Play[];
}

export function definePlaybook(pb: Playbook): Playbook {
  return pb;
}
