/**
 * The host driver: what the runner asks of one host, in whole batches, so that a role costs one round
 * trip to read its state and one to apply its changes. The shell driver renders batches into scripts over
 * a Connection; the fake host of the test kit interprets them in memory.
 */
import type { ExecOptions, ExecResult } from './connection.js';
import type { Action, Query } from './ops.js';

export interface ActOptions {
  readonly sudo?: boolean;
  readonly timeoutMs?: number;
}

/** Outcome of one batch of action groups (one group per resource), applied in order until one fails. */
export type ActResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly failedGroup: number; readonly exitCode: number; readonly stderr: string };

export interface HostDriver {
  readonly host: string;
  /** Answers every query, in order, in one round trip. */
  query(queries: readonly Query[], opts?: ActOptions): Promise<unknown[]>;
  /** Applies groups of actions in order, stopping at the first failing group; one round trip plus uploads. */
  act(groups: readonly (readonly Action[])[], opts?: ActOptions): Promise<ActResult>;
  /** A plain command, for health gates and ad-hoc checks. */
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** Round trips to the host so far (exec, put, get each count one). */
  readonly roundTrips: number;
  close(): Promise<void>;
}
