/**
 * Read-ahead: the roles of a playbook run one after another, so a no-op of 12 roles was 12 round trips in
 * a row per host. The host's first query round trip now also reads what its later roles will ask, and
 * those roles get those answers without a round trip, as long as nothing has changed anywhere since: the
 * first action, handler or gate command on any host of the run (one ChangeSignal for the run) sends every
 * later query to the host again. Answers are matched to queries by identity (a role's queries are built
 * once, at compile time) and served once; queries that must run with another `sudo` are not read ahead.
 */
import type { ExecOptions, ExecResult } from '../core/connection.js';
import type { ActOptions, ActResult, HostDriver } from '../core/driver.js';
import type { Action, Query } from '../core/ops.js';

/** Shared by the drivers of one run: set once anything may have changed on any host. */
export class ChangeSignal {
  changed = false;
}

/** A later role's queries on this host, with the sudo they will run with. */
export interface Upcoming {
  readonly queries: readonly Query[];
  readonly sudo: boolean;
}

export function readAhead(driver: HostDriver, upcoming: readonly Upcoming[], signal: ChangeSignal): HostDriver {
  let ahead: Map<Query, unknown> | undefined;
  let first = true;
  // Anything that may change a host: every answer read ahead, on any host, is stale from now on.
  const touch = () => {
    signal.changed = true;
  };
  return {
    host: driver.host,
    get roundTrips() {
      return driver.roundTrips;
    },
    async query(queries: readonly Query[], opts: ActOptions = {}): Promise<unknown[]> {
      if (signal.changed) ahead = undefined;
      if (ahead && queries.every((q) => ahead!.has(q))) {
        const answers = queries.map((q) => ahead!.get(q));
        for (const q of queries) ahead.delete(q);
        return answers;
      }
      if (!first || signal.changed) return driver.query(queries, opts);
      first = false;
      const mine = new Set(queries);
      const later = [...new Set(upcoming.filter((u) => u.sudo === (opts.sudo ?? false)).flatMap((u) => u.queries))].filter((q) => !mine.has(q));
      const answers = await driver.query([...queries, ...later], opts);
      if (!signal.changed) ahead = new Map(later.map((q, i) => [q, answers[queries.length + i]]));
      return answers.slice(0, queries.length);
    },
    act(groups: readonly (readonly Action[])[], opts?: ActOptions): Promise<ActResult> {
      touch();
      return driver.act(groups, opts);
    },
    exec(command: string, opts?: ExecOptions): Promise<ExecResult> {
      touch();
      return driver.exec(command, opts);
    },
    close: () => driver.close(),
  };
}
