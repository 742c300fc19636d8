/**
 * JSON lines: one object per event per line, the event's fields plus `time` (ISO 8601), for machines
 * (CI annotations, log shippers). Every string value and object key is redacted before it is escaped (a
 * multi-line secret no longer matches once its newlines became `\n`, and its JSON-escaped form is one of
 * the forms redact() masks). The line as a whole is not redacted again: a short secret such as `"` masks
 * only where it stands whole, and in a JSON line that would be its quotes, breaking the line.
 * JSON escapes C0 controls; DEL, C1 and bidi controls, which it leaves raw, are written as `\u` escapes.
 */
import { redact } from '../core/secret.js';
import type { Reporter, RunEvent } from './events.js';
import { jsonPrintable } from './printable.js';

const redactKeys = (o: object): object => Object.fromEntries(Object.entries(o).map(([k, x]) => [redact(k), x]));

/** The event as one JSON line, every string and key redacted. */
export function jsonLine(e: RunEvent, time: Date): string {
  const json = JSON.stringify({ time: time.toISOString(), ...e }, (_k, v: unknown) =>
    typeof v === 'string' ? redact(v) : v !== null && typeof v === 'object' && !Array.isArray(v) ? redactKeys(v) : v,
  );
  return jsonPrintable(json);
}

export function jsonReporter(out: NodeJS.WritableStream, now: () => Date = () => new Date()): Reporter {
  return {
    emit(e) {
      out.write(`${jsonLine(e, now())}\n`);
    },
  };
}
