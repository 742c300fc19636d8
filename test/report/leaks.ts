/**
 * Secrets of every length in every common encoding, and a scanner that finds any of them in an output.
 * The scanner computes the encodings itself (not with lib/core/secret-forms.ts), so a form the library
 * forgets to mask is found here.
 */
import { remember } from '../../lib/core/secret.js';
import { quote } from '../../lib/transport/shell-quote.js';

/** 1, 3, 5 and 40 characters; quotes, backslashes, `&`, `+`, `/`, `%`, spaces, a newline, non-ASCII. */
export const SECRETS = ['Ж', 'q"\\', "k'y&§", 'Lq7"Zx\\w\'Pe&Rt/Uy+Io\nAs Df%Gh=Jk;Lz?Xc~!'] as const;
for (const s of SECRETS) remember(s);

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** How a role might carry `s` into a non-secret text: each with a name for messages. */
export function carriers(s: string): { readonly how: string; readonly text: string }[] {
  const out = [
    { how: 'raw', text: `token ${s} end` },
    { how: 'JSON.stringify', text: JSON.stringify({ token: s, n: 1 }) },
    { how: 'encodeURIComponent', text: `https://api/?t=${encodeURIComponent(s)}&x=1` },
    { how: 'URLSearchParams', text: new URLSearchParams({ t: s, x: '1' }).toString() },
    { how: 'shell quote', text: `curl -u ${quote(s)} https://api` },
    { how: 'base64 alone', text: `key: ${b64(s)}` },
  ];
  // Inside a longer base64 text the value's characters depend on its offset modulo 3: all three.
  if (s.length >= 6) for (const pad of ['', 'a', 'ab']) out.push({ how: `base64 at offset ${pad.length}`, text: `data: ${b64(`user:${pad}${s}:tail`)}` });
  if (s.includes('\n')) for (const line of s.split('\n')) out.push({ how: 'one line', text: `line: ${line}` });
  return out;
}

const WORD = /\w/;
/** `form` in `text` where it stands whole (a short secret is only masked as a whole token). */
function standsWhole(text: string, form: string): boolean {
  for (let at = text.indexOf(form); at >= 0; at = text.indexOf(form, at + 1)) {
    const before = at > 0 && WORD.test(form[0]!) && WORD.test(text[at - 1]!);
    const end = at + form.length;
    const after = end < text.length && WORD.test(form[form.length - 1]!) && WORD.test(text[end]!);
    if (!before && !after) return true;
  }
  return false;
}

/** The characters of base64(prefix + s + ...) that encode only bytes of `s`, for `prefix` of 0..2 bytes mod 3. */
function base64Cores(s: string): string[] {
  const bytes = Buffer.from(s);
  return [0, 1, 2].map((skip) => bytes.subarray(skip, skip + Math.floor((bytes.length - skip) / 3) * 3).toString('base64'));
}

/** What of the secrets shows in `text`: `secret #i: form` for each leak. */
export function leaks(text: string): string[] {
  const found: string[] = [];
  SECRETS.forEach((s, i) => {
    const forms = [
      s,
      JSON.stringify(s).slice(1, -1),
      encodeURIComponent(s),
      new URLSearchParams({ t: s }).toString().slice(2),
      s.replace(/'/g, `'\\''`),
      b64(s).replace(/=+$/, ''),
    ];
    if (s.length < 6) {
      for (const f of forms) if (standsWhole(text, f)) found.push(`secret #${i} (${s.length} chars): ${JSON.stringify(f)}`);
      return;
    }
    const lines = s.includes('\n') ? s.split('\n') : [];
    for (const f of [...forms, ...lines]) if (text.includes(f)) found.push(`secret #${i}: ${JSON.stringify(f)}`);
    // Any 8 characters of an embedded base64 core: a mask that leaves half of it is a leak too.
    for (const core of base64Cores(s))
      for (let k = 0; k + 8 <= core.length; k++) if (text.includes(core.slice(k, k + 8))) found.push(`secret #${i}: base64 ${core.slice(k, k + 8)}`);
  });
  return found;
}
