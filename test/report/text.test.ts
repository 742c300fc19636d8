import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { clock, duration, fit, oneLine, visibleLength } from '../../lib/report/text.js';

describe('report text', () => {
  it('durations', () => {
    assert.deepEqual([0, 999, 1000, 4149, 59_949, 60_000, 125_400].map(duration), ['0ms', '999ms', '1.0s', '4.1s', '59.9s', '1m00s', '2m05s']);
  });

  it('live clocks in whole seconds', () => {
    assert.deepEqual([0, 999, 1000, 59_999, 60_000, 125_400].map(clock), ['0s', '0s', '1s', '59s', '1m00s', '2m05s']);
  });

  it('one-line values', () => {
    assert.equal(oneLine('a\nb\r\nc'), 'a↵b↵c');
    assert.equal(oneLine('abcdef', 4), 'abc…');
    assert.equal(oneLine('abcd', 4), 'abcd');
  });

  it('fits a coloured line to a width without counting escapes', () => {
    const line = '\x1b[32m✓\x1b[39m web-01  etcd';
    assert.equal(visibleLength(line), 14);
    assert.equal(fit(line, 14), line);
    assert.equal(fit(line, 8), '\x1b[32m✓\x1b[39m web-0…\x1b[0m');
    assert.equal(visibleLength(fit(line, 8)), 8);
    assert.equal(fit('plain text', 5), 'plai…');
  });
});
