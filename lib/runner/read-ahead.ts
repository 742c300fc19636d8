/**
 * Read-ahead: the roles of a playbook run one after another, so a no-op of 12 roles was 12 round trips in
 * a row per host. The host's first query round trip now also reads what its later roles will ask, and
 * those roles get those answers without a round trip while they still hold:
 * - an answer about the host's own state (a file, a unit, a package, a sysctl, a user) holds until this
 *   host's connection sends an action, a handler or a gate command: only that can change it;
 * - a command's answer may read any host (`etcdctl member list`), so it holds only until anything is sent
 *   to any host of the run (one ChangeSignal for the run).
 * Answers are matched to queries by what they ask (and the sudo they ran with), so a role asking what an
 * earlier one asked is served too. Queries that must run with another sudo are not read ahead.
 */
import type { ExecOptions, ExecResult } from '../core/connection.js';
import type { ActOptions, ActResult, HostDriver } from '../core/driver.js';
import type { Action, Query } from '../core/ops.js';

/** Shared by the drivers of one run: counts whatever is sent that may change some host. */
export class ChangeSignal {
  generation = 0;
}

/** A later role's queries on this host, with the sudo they will run with. */
export interface Upcoming {
  readonly queries: readonly Query[];
  readonly sudo: boolean;
}

interface Ahead {
  readonly answer: unknown;
  /** This host's and the run's change counts when the answer was asked for. */
  readonly local: number;
  readonly run: number;
}

const keyOf = (q: Query, sudo: boolean): string => `${sudo ? 'root' : 'user'} ${JSON.stringify(q)}`;

/** Can only a change on this host make the answer stale? */
const hostLocal = (q: Query): boolean => q.q !== 'command';

export function readAhead(driver: HostDriver, upcoming: readonly Upcoming[], signal: ChangeSignal): HostDriver {
  const ahead = new Map<string, Ahead>();
  let local = 0;
  let first = true;
  const holds = (q: Query, sudo: boolean): boolean => {
    const a = ahead.get(keyOf(q, sudo));
    return a !== undefined && a.local === local && (hostLocal(q) || a.run === signal.generation);
  };
  // Anything sent that may change a host: this host's answers, and every host's command answers, are stale.
  const touch = () => {
    local++;
    signal.generation++;
  };
  return {
    host: driver.host,
    get roundTrips() {
      return driver.roundTrips;
    },
    async query(queries: readonly Query[], opts: ActOptions = {}): Promise<unknown[]> {
      const sudo = opts.sudo ?? false;
      if (queries.every((q) => holds(q, sudo))) return queries.map((q) => ahead.get(keyOf(q, sudo))!.answer);
      if (!first) return driver.query(queries, opts);
      first = false;
      const mine = new Set(queries.map((q) => keyOf(q, sudo)));
      const later = new Map<string, Query>();
      for (const u of upcoming) {
        if (u.sudo !== sudo) continue;
        for (const q of u.queries) {
          const k = keyOf(q, sudo);
          if (!mine.has(k)) later.set(k, q);
        }
      }
      const at = { local, run: signal.generation };
      const answers = await driver.query([...queries, ...later.values()], opts);
      for (const [i, k] of [...later.keys()].entries()) ahead.set(k, { answer: answers[queries.length + i], ...at });
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
