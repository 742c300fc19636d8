/**
 * Text from vars, hosts and files is shown, never interpreted by the terminal: a CR, a colour code, an OSC
 * title sequence or a C1 CSI in a path, value or stderr line is printed as `\r`, `\x1b`, `\u009b`. Every
 * event is made printable where it enters the console reporter (printableEvent), so only tsplay's own
 * colours and cursor moves are raw; the terminal writer (terminalSafe) escapes anything else as a last step.
 */
import { redact } from '../core/secret.js';

/** C0 controls but newline, DEL, C1 controls, and the bidi controls that reorder what a line shows. */
const CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = { '\t': '\\t', '\r': '\\r', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\0': '\\0' };

const hex = (c: string, width: number) => c.charCodeAt(0).toString(16).padStart(width, '0');
const visible = (c: string): string => NAMED[c] ?? (c < '\x80' ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`);

/** The text with every control character written out visibly (newlines kept). */
export const printable = (text: string): string => text.replace(CONTROL, visible);

/** The characters JSON.stringify leaves raw that a terminal acts on, as JSON `\u` escapes (still valid JSON). */
export const jsonPrintable = (json: string): string => json.replace(/[\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${hex(c, 4)}`);

/**
 * Every string of an event, object keys included (host and role names in the stats), redacted and then
 * made printable: redacted first, since a secret holding a control character no longer matches once escaped.
 */
export function printableEvent<T>(value: T): T {
  return deep(value) as T;
}

function deep(v: unknown): unknown {
  if (typeof v === 'string') return printable(redact(v));
  if (Array.isArray(v)) return v.map(deep);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [printable(redact(k)), deep(x)]));
}

// tsplay's own escapes: colours (SGR), and the live area's cursor up and its `\r` + erase to end of screen.
const OWN_OR_CONTROL = /\x1b\[[0-9;]*m|\x1b\[\d+A|\r?\x1b\[0J|[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** The last step before the terminal: tsplay's own escape sequences pass, any other control character is escaped. */
export const terminalSafe = (text: string): string => text.replace(OWN_OR_CONTROL, (m) => (m.length > 1 ? m : visible(m)));
