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
