/**
 * A HostDriver wrapper for integration tests: records each query and act call with the round trips it
 * took and the actions it sent, so a test can assert "one round trip per plan" on a real host.
 */
import type { HostDriver } from '../../lib/core/driver.js';
import type { Action } from '../../lib/core/ops.js';

export interface Call {
  readonly kind: 'query' | 'act';
  readonly trips: number;
  readonly actions: readonly Action[];
}

export function recording(d: HostDriver): { driver: HostDriver; calls: Call[] } {
  const calls: Call[] = [];
  const timed = async <T>(kind: Call['kind'], actions: readonly Action[], body: () => Promise<T>): Promise<T> => {
    const before = d.roundTrips;
    try {
      return await body();
    } finally {
      calls.push({ kind, trips: d.roundTrips - before, actions });
    }
  };
  const driver: HostDriver = {
    host: d.host,
    query: (queries, opts) => timed('query', [], () => d.query(queries, opts)),
    act: (groups, opts) => timed('act', groups.flat(), () => d.act(groups, opts)),
    exec: (command, opts) => d.exec(command, opts),
    get roundTrips() {
      return d.roundTrips;
    },
    close: () => d.close(),
  };
  return { driver, calls };
}
