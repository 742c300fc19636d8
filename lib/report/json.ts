/**
 * JSON lines: one object per event per line, the event's fields plus `time` (ISO 8601), for machines
 * (CI annotations, log shippers). Every string is redacted before it is escaped (a multi-line secret
 * would no longer match once its newlines became `\n`), and the line once more after.
 */
import { redact } from '../core/secret.js';
import type { Reporter } from './events.js';
import { redactingWriter } from './sink.js';

export function jsonReporter(out: NodeJS.WritableStream, now: () => Date = () => new Date()): Reporter {
  const write = redactingWriter(out);
  const scrub = (_key: string, value: unknown) => (typeof value === 'string' ? redact(value) : value);
  return {
    emit(e) {
      write(`${JSON.stringify({ time: now().toISOString(), ...e }, scrub)}\n`);
    },
  };
}
