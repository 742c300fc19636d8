import type { Host } from '../../core/model.js';
import type { RunEvent } from '../../report/events.js';
import type { Queue } from '../queues.js';
import type { CompiledPlay } from '../compile.js';

/** What a strategy gets for one batch: it decides only the order in which hosts start roles. */
export interface StrategyRun {
  readonly play: CompiledPlay;
  /** Indexes of the play's roles to run, in order. */
  readonly roles: readonly number[];
  readonly batch: readonly Host[];
  /** The play's forks (--forks, throttle). */
  readonly limit: Queue;
  /** Runs role `ri` on `host` (a host out of the run, or without the role, returns at once). */
  run(ri: number, host: Host): Promise<void>;
  /** Failed or unreachable. */
  done(host: Host): boolean;
  /** Why the failure policy stops the play after what has run so far, if it does. */
  mustAbort(): string | undefined;
  readonly emit: (e: RunEvent) => void;
}

/** Resolves with why the play stopped, or undefined when every role ran. */
export type Strategy = (r: StrategyRun) => Promise<string | undefined>;
