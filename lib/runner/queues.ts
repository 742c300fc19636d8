import pLimit from 'p-limit';

export type Queue = <T>(f: () => Promise<T>) => Promise<T>;

/** One queue per key: work queued under the same key runs one at a time, in the order it was queued. */
export function keyedQueues(): (key: string) => Queue {
  const queues = new Map<string, Queue>();
  return (key) => {
    let q = queues.get(key);
    if (!q) {
      const one = pLimit(1);
      queues.set(key, (q = <T>(f: () => Promise<T>) => one(f)));
    }
    return q;
  };
}

/** A host's turn in a rolling role: settles (handlers, gates) and says what failed, if anything. */
export type Turn = (host: string, settle: () => Promise<Error | undefined>) => Promise<Error | undefined>;

/**
 * Rolling turns, one queue per key: hosts settle one at a time, and once a host's turn fails the later
 * ones do not run (their handlers stay pending), so a restart that did not come back on one host is not
 * repeated on the next: a rolling restart never takes down more than one member of a quorum.
 */
export function rollingTurns(): (key: string) => Turn {
  const queues = keyedQueues();
  const failedAt = new Map<string, string>();
  return (key) => (host, settle) =>
    queues(key)(async () => {
      const earlier = failedAt.get(key);
      if (earlier !== undefined)
        return new Error(`not restarted: the rolling restart stopped at ${earlier}, whose turn failed (its handlers stay pending for the next run)`);
      const error = await settle();
      if (error) failedAt.set(key, host);
      return error;
    });
}
