/**
 * redact(): every secret is masked whatever its length (a short one where it stands as a whole token),
 * in each of its common encodings, fast enough to run on every printed line.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'mocha';
import { redact, remember } from '../../lib/core/secret.js';
import { MultiMatcher } from '../../lib/core/multi-match.js';
import { quote } from '../../lib/transport/shell-quote.js';

describe('redact', () => {
  it('masks a short secret where it stands whole, not inside a longer word', () => {
    remember('zq1');
    assert.equal(redact('zq1'), '[secret]');
    assert.equal(redact('pw=zq1; user zq1.'), 'pw=[secret]; user [secret].');
    assert.equal(redact('xzq1 zq1y zq1_'), 'xzq1 zq1y zq1_');
  });

  it('a short secret with punctuation at its edges is found next to anything there', () => {
    remember('-v-');
    assert.equal(redact('a-v-b x-v-y'), 'a[secret]b x[secret]y');
  });

  it('masks the JSON-escaped, URL-encoded, form-encoded, shell-quoted and base64 forms', () => {
    const s = `r0ot"pa\\ss w'rd&x`;
    remember(s);
    for (const text of [
      JSON.stringify({ p: s }),
      `?p=${encodeURIComponent(s)}`,
      new URLSearchParams({ p: s }).toString(),
      `sh -c ${quote(s)}`,
      Buffer.from(s).toString('base64'),
    ]) {
      assert.ok(!/r0ot|cGEgXHNz|cjBvd/.test(redact(text)), `${text} -> ${redact(text)}`);
      assert.match(redact(text), /\[secret\]/);
    }
  });

  it('masks JSON as Python (non-ASCII as \\u) and Go (<>& as \\u) write it', () => {
    remember('ᚷ<pa&ss>wörd');
    assert.equal(redact('{"p": "\\u16b7<pa&ss>w\\u00f6rd"}'), '{"p": "[secret]"}');
    assert.equal(redact('{"p":"ᚷ\\u003cpa\\u0026ss\\u003ewörd"}'), '{"p":"[secret]"}');
  });

  it('masks base64 of a secret inside a longer text at each of the three byte alignments', () => {
    const s = 'tok-5c1e9a77f0';
    remember(s);
    for (const pad of ['', 'x', 'xy']) {
      const b64 = Buffer.from(`Authorization: ${pad}${s} end`).toString('base64');
      const core = Buffer.from(s.slice((3 - ((15 + pad.length) % 3)) % 3))
        .toString('base64')
        .slice(0, 12);
      assert.ok(!redact(b64).includes(core.slice(0, 8)), `offset ${pad.length}: ${redact(b64)}`);
    }
  });

  it('masks each long line of a multi-line secret', () => {
    remember('first line of the key 1234\nsecond line of the key 5678\nok\n');
    assert.equal(redact('- second line of the key 5678 -'), '- [secret] -');
    assert.equal(redact('ok'), 'ok', 'a short line of a longer secret is no secret by itself');
  });

  it('overlapping secrets become one mask; the longest wins where several start', () => {
    const m = new MultiMatcher([{ text: 'abcdef' }, { text: 'cdefgh' }, { text: 'abcdefghijklmnop' }, { text: 'xyz', token: true }]);
    assert.equal(m.replaceAll('..abcdefgh..', '#'), '..#..');
    assert.equal(m.replaceAll('abcdefghijklmnopq xyz axyz', '#'), '#q # axyz');
  });

  it('200 secrets over 1 MB: one pass, well under a second', function () {
    this.timeout(20_000);
    const secrets = Array.from({ length: 200 }, (_, i) => `${i}-${randomBytes(15).toString('base64')}${i % 2 ? '"\\\'&' : ''}`);
    for (const s of secrets) remember(s);
    const words = 'the quick brown fox jumps over the lazy dog port 8080 changed ok\n'.split(' ');
    let text = '';
    while (text.length < 1_000_000) text += `${words[text.length % words.length]} `;
    text += secrets[7];
    const times: number[] = [];
    let out = '';
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      out = redact(text); // the first also builds the matcher; the JIT warms up over the next
      times.push(performance.now() - t);
    }
    console.log(`      redact: 200 secrets (their forms included) over 1 MB: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
    assert.ok(out.endsWith('[secret]'));
    assert.ok(Math.min(...times) < 1000, `${times.join(', ')} ms`);
  });
});
