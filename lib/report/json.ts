/**
 * JSON lines: one object per event per line, the event's fields plus `time` (ISO 8601), for machines
 * (CI annotations, log shippers). String values are redacted before they are escaped (a multi-line secret
 * no longer matches once its newlines became `\n`), and the whole line once more as the last step.
 */
import { redact } from '../core/secret.js';
import type { Reporter, RunEvent } from './events.js';
import { redactingWriter } from './sink.js';

// Characters JSON.stringify escapes: a secret containing one would no longer match in the escaped line.
const ESCAPED = /["\\\u0000-\u001f]/;

/**
 * The event as one JSON line. Values with characters JSON escapes are redacted before escaping; every
 * other value appears verbatim in the line, which the writer redacts as a whole (one pass, not one a field).
 */
export function jsonLine(e: RunEvent, time: Date): string {
  return JSON.stringify({ time: time.toISOString(), ...e }, (_k, v: unknown) => (typeof v === 'string' && ESCAPED.test(v) ? redact(v) : v));
}

export function jsonReporter(out: NodeJS.WritableStream, now: () => Date = () => new Date()): Reporter {
  const write = redactingWriter(out);
  return {
    emit(e) {
      write(`${jsonLine(e, now())}\n`);
    },
  };
}
