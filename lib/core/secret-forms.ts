/**
 * The forms a secret value takes in printed text when a role passes it through a common encoding before
 * it lands in a non-secret template, a command line or an error: itself, JSON-escaped (as JSON.stringify,
 * Python and Go write it), URL- and form-encoded, shell-quoted and base64. Pure; secret.ts masks every
 * form it returns.
 */

/** Values shorter than this are masked only where they stand as a whole token (see secret.ts). */
export const SHORT_SECRET = 6;

/** The text JSON.stringify puts between the quotes. */
const jsonEscaped = (v: string): string => JSON.stringify(v).slice(1, -1);

/** \u escapes for what JSON encoders other than JSON.stringify escape: non-ASCII (Python's json.dumps), `<>&` (Go's encoding/json). */
const u = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
const asciiJson = (v: string): string => jsonEscaped(v).replace(/[^\x20-\x7e]/g, u);
const htmlSafeJson = (v: string): string => jsonEscaped(v).replace(/[<>&\u2028\u2029]/g, u);

/** Inside single quotes, the way lib/transport/shell-quote.ts quotes a word (core cannot import it). */
const shellQuoted = (v: string): string => v.replace(/'/g, `'\\''`);

/** application/x-www-form-urlencoded, as URLSearchParams and HTML forms write it (`+` for a space). */
/** encodeURIComponent throws on a lone surrogate (URIError); such a value has no URL form to hide, and must not crash secret(). */
const urlEncoded = (v: string): string => {
  try {
    return encodeURIComponent(v);
  } catch {
    return v;
  }
};
const formEncoded = (v: string): string => new URLSearchParams([['', v]]).toString().slice(1);

const base64 = (b: Buffer): string => b.toString('base64').replace(/=+$/, '');

/**
 * Base64 of the value inside a longer text depends on where it starts modulo 3 bytes: for each of the three
 * alignments, the characters that encode only the value's own bytes (whole 3-byte groups of it).
 */
function alignedBase64(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let skip = 0; skip < 3; skip++) {
    const whole = Math.floor((bytes.length - skip) / 3) * 3;
    if (whole >= 3) out.push(bytes.subarray(skip, skip + whole).toString('base64'));
  }
  return out;
}

/**
 * Every form of `value` to mask, without duplicates. A short value gets only the forms of itself encoded
 * alone (its base64 inside a longer text would be one or two characters, which no mask can tell apart).
 */
export function secretForms(value: string): string[] {
  if (value === '') return [];
  const bytes = Buffer.from(value, 'utf8');
  const forms = [value, jsonEscaped(value), asciiJson(value), htmlSafeJson(value), urlEncoded(value), formEncoded(value), shellQuoted(value), base64(bytes)];
  if (value.length >= SHORT_SECRET) forms.push(...alignedBase64(bytes));
  return [...new Set(forms.filter((f) => f !== ''))];
}
