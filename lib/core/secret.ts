/**
 * Secrets: values that must never reach console output, diffs, the JSON stream or error messages.
 * Every secret value is remembered here so that the reporters can scrub any text they print, whatever
 * path the value took (a diff, a stderr line, an exception).
 */

const known = new Set<string>();
const MASK = '[secret]';

/** A value marked secret. `String(s)` and JSON show the mask; `reveal()` gives the value. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
    remember(value);
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return MASK;
  }
  toJSON(): string {
    return MASK;
  }
}

export const secret = (value: string): Secret => new Secret(value);

/** Register a value as secret without wrapping it (e.g. generated key material). */
export function remember(value: string): void {
  // Very short values would mask ordinary words; secrets worth the name are longer.
  if (value.length >= 6) known.add(value);
  for (const line of value.split('\n')) if (line.trim().length >= 16) known.add(line.trim());
}

/** The text with every known secret (and every line of a multi-line one) replaced by a mask. */
export function redact(text: string): string {
  let out = text;
  for (const s of known) if (out.includes(s)) out = out.split(s).join(MASK);
  return out;
}

export const reveal = (v: string | Secret): string => (typeof v === 'string' ? v : v.reveal());
