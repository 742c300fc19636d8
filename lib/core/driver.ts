/**
 * The host driver: what the runner asks of one host, in whole batches, so that a role costs one round
 * trip to read its state and one to apply its changes. The shell driver renders batches into scripts over
 * a Connection; the fake host of the test kit interprets them in memory.
 */
import type { ExecOptions, ExecResult } from './connection.js';
import { TsplayError } from './errors.js';
import type { Action, Query } from './ops.js';

/**
 * What a group does to the host's pending-handler journal once its actions succeeded (before it counts
 * as done): `pend` records handlers to run, `clear` forgets handlers that ran or are no longer needed.
 * The journal lives on the host, so a notification survives a controller that dies before the handler.
 */
export interface GroupNotes {
  readonly pend?: readonly string[];
  readonly clear?: readonly string[];
}

export interface ActOptions {
  readonly sudo?: boolean;
  readonly timeoutMs?: number;
  /** Journal notes per group index (see GroupNotes); a group without an entry leaves the journal alone. */
  readonly notes?: ReadonlyMap<number, GroupNotes>;
  /** Commands to run once every group succeeded, in the same round trip (see Probe). */
  readonly probes?: readonly Probe[];
}

/**
 * A command run after the last group of an action batch, in its round trip: a health gate's first attempts
 * riding along with the apply that (re)started what it checks. Tried on the host until it exits 0, with
 * `delaysMs` between attempts (so `delaysMs.length + 1` attempts at most); a probe runs only when the one
 * before it ended with exit 0. It must end on its own (curl --max-time): no timeout is added.
 */
export interface Probe {
  readonly command: string;
  readonly delaysMs: readonly number[];
}

/** Every attempt a probe made, in order (the last is what it ended with); probes that did not run are absent. */
export type ProbeRuns = readonly (readonly ExecResult[])[];

/** Outcome of one batch of action groups (one group per resource), applied in order until one fails. */
export type ActResult =
  | { readonly ok: true; readonly probes?: ProbeRuns }
  | { readonly ok: false; readonly failedGroup: number; readonly exitCode: number; readonly stderr: string };

/** A run's claim on a host: who it is (shown to a run that finds the host busy) and what it sweeps. */
export interface RunClaim {
  readonly id: string;
  /** Controller host name, process id and start time, for the message of a run that has to wait. */
  readonly controller: string;
  readonly pid: number;
  readonly startedAt: string;
  /** How long to wait while another run holds the host before failing it. */
  readonly lockTimeoutMs: number;
  /** Directories whose leftover tsplay temp files (TEMP_PATTERNS) to remove; empty in check mode. */
  readonly sweep: readonly string[];
}

/** What beginning a run on a host found there. */
export interface HostSession {
  /** Journal keys of handlers an earlier run recorded and did not get to run. */
  readonly pending: readonly string[];
}

/** The run's lock is held by another run: the message names the holder. Fails the host, not the run. */
export class HostBusy extends TsplayError {
  override name = 'HostBusy';
  constructor(host: string, holder: string, timeoutMs: number) {
    super(`${host} is busy: another tsplay run holds its lock (${holder || 'holder unknown'}); gave up after ${timeoutMs / 1000} s (--lock-timeout)`);
  }
}

/** What a run that has to wait is told of the holder (stored with the lock on the host). */
export const holderLine = (c: RunClaim): string => `run ${c.id} from ${c.controller} pid ${c.pid} started ${c.startedAt}`;

/**
 * Names of the temp files tsplay makes on hosts (find -name globs): `.NAME.tsplay-SALT` beside a target,
 * `.tsplay-x-SALT` (extract scratch dirs), and UPLOAD_TEMP in /tmp for uploads under sudo. Every one of
 * them is renamed or removed by the step that made it; what a killed controller left is swept by the
 * next run (RunClaim.sweep) while it holds the host's lock, so no live run's temp can match.
 */
export const TEMP_PATTERNS = ['.?*.tsplay-?*', '.tsplay-x-?*'] as const;
export const UPLOAD_TEMP = '/tmp/.tsplay-upload-';

export interface HostDriver {
  readonly host: string;
  /** Answers every query, in order, in one round trip. */
  query(queries: readonly Query[], opts?: ActOptions): Promise<unknown[]>;
  /** Applies groups of actions in order, stopping at the first failing group; one round trip plus uploads. */
  act(groups: readonly (readonly Action[])[], opts?: ActOptions): Promise<ActResult>;
  /** A plain command, for health gates and ad-hoc checks. */
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /**
   * Start a run on the host: wait for its per-host lock (held until close(), or until the connection
   * dies), sweep leftover temp files and read the pending-handler journal. The sweep and the journal ride
   * along with the next query: no round trip of their own. Rejects with HostBusy on timeout.
   */
  begin?(claim: RunClaim): Promise<HostSession>;
  /** Round trips to the host so far (exec, put, get each count one). */
  readonly roundTrips: number;
  close(): Promise<void>;
}
