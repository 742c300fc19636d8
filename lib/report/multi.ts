/** Fan-out: several reporters see every event (e.g. the console and a JSON lines file). */
import type { Reporter } from './events.js';

/**
 * Every reporter gets every event even when one throws (a closed pipe must not silence the console);
 * the first error is rethrown after all have been called.
 */
export function multiReporter(...reporters: readonly Reporter[]): Reporter {
  const each = (f: (r: Reporter) => void) => {
    let first: { error: unknown } | undefined;
    for (const r of reporters) {
      try {
        f(r);
      } catch (error) {
        first ??= { error };
      }
    }
    if (first) throw first.error;
  };
  return {
    emit: (e) => each((r) => r.emit(e)),
    close: () => each((r) => r.close?.()),
  };
}
