import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'mocha';
import type { Query } from '../../lib/core/ops.js';
import { parseAnswer, splitAnswers } from '../../lib/transport/shell-answers.js';

interface Table {
  source: string;
  cases: { name: string; query: Query; output: string; answer: unknown }[];
}
const table = (name: string): Table => JSON.parse(readFileSync(new URL(`../fixtures/facts/${name}.json`, import.meta.url), 'utf8'));

describe('shell answers: parsing real outputs', () => {
  for (const t of ['file', 'packages', 'unit', 'accounts', 'scalars']) {
    describe(t, () => {
      for (const c of table(t).cases) it(c.name, () => assert.deepEqual(parseAnswer(c.query, c.output), c.answer));
    });
  }
});

describe('splitAnswers', () => {
  const B = '__tsplay_0123__';
  it('splits by the boundary, keeping each answer byte for byte (no trailing newline either)', () => {
    const out = `\n${B} 0\nfirst\n\n${B} 1\nsecond no newline\n${B} 2\n\n${B} end\n`;
    assert.deepEqual(splitAnswers(out, B, 3), ['first\n', 'second no newline', '']);
  });
  it('an answer that contains text like a boundary of another call is not split', () => {
    const out = `\n${B} 0\n__tsplay_ffff__ 1\n\n${B} end\n`;
    assert.deepEqual(splitAnswers(out, B, 1), ['__tsplay_ffff__ 1\n']);
  });
  it('a script that died early is an error, not missing answers', () => {
    assert.throws(() => splitAnswers(`\n${B} 0\nx\n`, B, 2), /incomplete: 1 of 2 answers, no end marker/);
  });
});
