/** The benchmark's raw results (bench/results.json), which report.ts turns into tables and verdicts. */
import type { ToolRun, TsplayRun } from './tools.js';

export type Workload = 'webapp' | 'prereqs';
export type Tool = 'tsplay' | 'ansible';
export type Phase = 'first' | 'noop';

export type Sample = { size: number; run: number; workload: Workload; phase: Phase } & (
  | { tool: 'tsplay'; result: TsplayRun }
  | { tool: 'ansible'; result: ToolRun }
);

export interface FloorSample {
  readonly size: number;
  readonly run: number;
  readonly workload: Workload;
  /** One ssh per host running the probe script, all in parallel: wall. */
  readonly probeMs: number;
  /** The same with an empty script: connection and login alone. */
  readonly connectMs: number;
}

export interface Baseline {
  readonly size: number;
  /** `node -e 0`. */
  readonly nodeMs: number;
  /** `tsplay run PLAYBOOK --list-hosts`: start-up and loading, no connection. */
  readonly listHostsMs: number;
  /** Its peak RSS: the loaded program before any host. */
  readonly listHostsRssKb: number;
}

export interface Machine {
  readonly nproc: number;
  readonly memGb: number;
  readonly kernel: string;
  readonly node: string;
  readonly ansible: string;
  readonly ssh: string;
  readonly cpu: string;
}

export interface Results {
  readonly startedAt: string;
  finishedAt?: string;
  readonly machine: Machine;
  readonly sizes: readonly number[];
  /** The most runs any size had (see the samples for each). */
  readonly runs: number;
  readonly load: { before: string; after?: string; samples: string[]; topBefore: string; topAfter?: string };
  readonly samples: Sample[];
  readonly floors: FloorSample[];
  readonly baselines: Baseline[];
  pki?: string;
  errors: string[];
}
