import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { diffStat, renderDiff, textDiff } from '../../lib/report/diff.js';
import { colour, plain } from './helpers.js';

describe('report diff', () => {
  it('renders a unified diff with 3 lines of context', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\n';
    const after = 'a\nb\nc\nd\nE\nf\ng\nh\ni\n';
    assert.deepEqual(renderDiff(before, after, { chalk: plain }), [
      '--- before',
      '+++ after',
      '@@ -2,7 +2,8 @@',
      ' b',
      ' c',
      ' d',
      '-e',
      '+E',
      ' f',
      ' g',
      ' h',
      '+i',
    ]);
    assert.deepEqual(renderDiff(before, after, { chalk: plain, context: 0 }).slice(2), ['@@ -5,1 +5,1 @@', '-e', '+E', '@@ -8,0 +9,1 @@', '+i']);
  });

  it('a new file is all additions; a missing final newline is marked', () => {
    assert.deepEqual(renderDiff('', 'x\ny\n', { chalk: plain }).slice(2), ['@@ -0,0 +1,2 @@', '+x', '+y']);
    assert.deepEqual(renderDiff('x', 'x\n', { chalk: plain }).slice(2), ['@@ -1,1 +1,1 @@', '-x', '\\ No newline at end of file', '+x']);
  });

  it('colours removed lines red, added green, hunk headers cyan', () => {
    const [, , hunk, minus, plus] = renderDiff('a\n', 'b\n', { chalk: colour });
    assert.equal(hunk, '\x1b[36m@@ -1,1 +1,1 @@\x1b[39m');
    assert.equal(minus, '\x1b[31m-a\x1b[39m');
    assert.equal(plus, '\x1b[32m+b\x1b[39m');
  });

  it('caps the output and says how much was left out', () => {
    const after = Array.from({ length: 50 }, (_, i) => `l${i}`).join('\n');
    const out = renderDiff('', after, { chalk: plain, maxLines: 10 });
    assert.equal(out.length, 11);
    assert.equal(out[10], '… 44 more diff lines');
  });

  it('binary or wholly different huge texts are counted, not diffed', () => {
    assert.deepEqual(renderDiff('a\0b\n', 'c\n', { chalk: plain }), ['(too different or binary to diff: 1 → 1 lines)']);
    const big = (p: string) => Array.from({ length: 20_000 }, (_, i) => `${p}${i}`).join('\n');
    assert.deepEqual(renderDiff(big('x'), big('y'), { chalk: plain }), ['(too different or binary to diff: 20000 → 20000 lines)']);
  });

  it('a big file with a small edit is still diffed', () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => `line ${i}`);
    const after = lines.map((l, i) => (i === 25_000 ? 'changed' : l));
    const out = renderDiff(lines.join('\n'), after.join('\n'), { chalk: plain });
    assert.deepEqual(out.slice(2, 6), ['@@ -24998,7 +24998,7 @@', ' line 24997', ' line 24998', ' line 24999']);
  });

  it('counts added and removed lines', () => {
    const d = textDiff('a\nb\nc\n', 'a\nB\nc\nd\n');
    assert.deepEqual([d.added, d.removed], [2, 1]);
    assert.equal(diffStat(d, plain), '+2 −1');
    assert.equal(diffStat(textDiff('a\n', 'a\n'), plain), 'whitespace only');
  });
});
