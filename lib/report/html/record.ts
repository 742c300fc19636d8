/** A Reporter that keeps every event with the time it arrived (events carry no time of their own). */
import type { Reporter, RunEvent } from '../events.js';

export interface Timed {
  readonly at: number;
  readonly event: RunEvent;
}

export interface Recorder extends Reporter {
  readonly events: readonly Timed[];
}

export function recorder(now: () => number = Date.now): Recorder {
  const events: Timed[] = [];
  return { events, emit: (event) => void events.push({ at: now(), event }) };
}
