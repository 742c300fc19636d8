/**
 * Secrets: values that must never reach console output, diffs, the JSON stream or error messages.
 * Every secret value is remembered here, with its common encodings (secret-forms.ts), so that the
 * reporters can scrub any text they print, whatever path the value took (a diff, a stderr line, an exception).
 *
 * Every length is masked. A value shorter than SHORT_SECRET is masked only as a whole token (not inside a
 * longer word: a secret `ab1` masks `ab1` and `pw=ab1;`, not `xab1y`), else a one-letter secret would mask
 * that letter in every word; a short secret still masks every standalone occurrence, counts included.
 */
import { SHORT_SECRET, secretForms } from './secret-forms.js';
import { MultiMatcher } from './multi-match.js';

const MASK = '[secret]';
/** Lines of a multi-line secret shorter than this are not masked one by one (`apiVersion: v1`, `}`). */
const MIN_LINE = 16;

/** Forms masked wherever they occur, and forms of short secrets masked only as whole tokens. */
const anywhere = new Set<string>();
const tokens = new Set<string>();
/** One matcher of every form, rebuilt on first use after a change (redact runs on every printed line). */
let matcher: MultiMatcher | undefined;

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
  const short = value.length < SHORT_SECRET;
  for (const f of secretForms(value)) add(short ? tokens : anywhere, f);
  if (!value.includes('\n')) return;
  for (const line of value.split('\n')) if (line.trim().length >= MIN_LINE) for (const f of secretForms(line.trim())) add(anywhere, f);
}

function add(set: Set<string>, form: string): void {
  if (set.has(form) || anywhere.has(form)) return;
  set.add(form);
  if (set === anywhere) tokens.delete(form); // masked everywhere covers masked as a token
  matcher = undefined;
}

/** The text with every known secret (each of its forms, and each line of a multi-line one) replaced by a mask. */
export function redact(text: string): string {
  if (text === '' || (anywhere.size === 0 && tokens.size === 0)) return text;
  matcher ??= new MultiMatcher([...[...anywhere].map((text) => ({ text })), ...[...tokens].map((text) => ({ text, token: true }))]);
  return matcher.replaceAll(text, MASK);
}

export const reveal = (v: string | Secret): string => (typeof v === 'string' ? v : v.reveal());
