/** Warnings (certificates near expiry, a controller note of step WARNING_STEP) are repeated under the recap. */
import assert from 'node:assert/strict';
import { WARNING_STEP } from '../../lib/core/resource.js';
import { consoleReporter } from '../../lib/report/console.js';
import { jsonLine } from '../../lib/report/json.js';
import type { RunEvent } from '../../lib/report/events.js';
import { Collect, hostStats, plain, runStart } from './helpers.js';

const end: RunEvent = { kind: 'run-end', mode: 'apply', stats: { hosts: { a: hostStats({ ok: 1 }) }, ms: 10 } };
const warning: RunEvent = { kind: 'controller', step: WARNING_STEP, text: '1 certificate of /pki expires within 30 days:\n  apiserver  12 days' };

describe('report: warnings under the recap', () => {
  for (const tty of [false, true]) {
    it(`${tty ? 'live' : 'plain'} mode: printed when they come and again after the recap, each run on its own`, () => {
      const out = new Collect();
      const r = consoleReporter({
        out,
        chalk: plain,
        tty,
        verbose: 0,
        diff: false,
        size: () => ({ columns: 100, rows: 30 }),
        ticker: () => ({ stop: () => {} }),
      });
      // As the CLI emits them: the controller notes while the run prepares, before run-start.
      for (const e of [warning, { kind: 'controller', step: 'pki', text: 'pki /pki: 20 reused' } as RunEvent, runStart(['a']), end]) r.emit(e);
      for (const e of [runStart(['a']), end]) r.emit(e);
      r.close?.();
      const text = out.plain;
      const recap = text.lastIndexOf('RECAP');
      assert.ok(recap > 0 && text.indexOf('apiserver  12 days') < recap, 'shown when it came');
      const first = text.slice(text.indexOf('RECAP'), recap);
      assert.match(first, /WARNINGS\n {2}1 certificate of \/pki expires within 30 days:\n {4}apiserver {2}12 days/);
      const after = text.slice(recap);
      assert.doesNotMatch(first, /20 reused/, 'other controller notes are not repeated');
      assert.doesNotMatch(after, /WARNINGS/, 'a second run of the same reporter starts without them');
      const out2 = new Collect();
      const r2 = consoleReporter({ out: out2, chalk: plain, tty: false, verbose: 0, diff: false });
      for (const e of [runStart(['a']), end]) r2.emit(e);
      assert.doesNotMatch(out2.text, /WARNINGS/);
    });
  }
  it('the JSON stream carries them as controller events of step "warning"', () => {
    assert.deepEqual(JSON.parse(jsonLine(warning, new Date(0))), { time: '1970-01-01T00:00:00.000Z', ...warning });
  });
});
