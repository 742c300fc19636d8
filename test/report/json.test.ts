import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { Reporter, RunEvent } from '../../lib/report/events.js';
import { jsonReporter } from '../../lib/report/json.js';
import { multiReporter } from '../../lib/report/multi.js';
import { Collect, hostStats, resource, runStart } from './helpers.js';

const events: RunEvent[] = [
  runStart(['a', 'b'], 'check', true),
  resource({ host: 'a', status: 'would-change', changes: [{ field: 'content', diff: { before: 'x\n', after: 'y\n"quoted"\n' } }], dependsOn: ['dir:/etc'] }),
  { kind: 'unreachable', host: 'b', error: 'connect ECONNREFUSED\nsecond line' },
  { kind: 'run-end', mode: 'check', stats: { ms: 5, hosts: { a: hostStats({ changed: 1 }), b: hostStats({ unreachable: true }) } } },
];

describe('JSON lines reporter', () => {
  it('one parseable object per event per line, with the event fields and a time', () => {
    const out = new Collect();
    const r = jsonReporter(out, () => new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)));
    for (const e of events) r.emit(e);
    const lines = out.text.split('\n');
    assert.equal(lines.pop(), '', 'ends with a newline');
    assert.equal(lines.length, events.length);
    const parsed = lines.map((l) => JSON.parse(l) as RunEvent & { time: string });
    assert.deepEqual(
      parsed.map(({ time, ...e }) => e),
      events,
    );
    assert.ok(parsed.every((p) => p.time === '2024-01-02T03:04:05.678Z'));
    assert.ok(lines[0]!.startsWith('{"time":"2024-01-02T03:04:05.678Z","kind":"run-start"'));
  });

  it('the default time is now', () => {
    const out = new Collect();
    jsonReporter(out).emit(events[0]!);
    const t = Date.parse((JSON.parse(out.text) as { time: string }).time);
    assert.ok(Math.abs(t - Date.now()) < 5000);
  });
});

describe('multi reporter', () => {
  const recording = (log: string[], name: string, fail = false): Reporter => ({
    emit: (e) => {
      log.push(`${name}:${e.kind}`);
      if (fail) throw new Error(`${name} broke`);
    },
    close: () => void log.push(`${name}:close`),
  });

  it('every reporter sees every event, in order, and is closed', () => {
    const log: string[] = [];
    const r = multiReporter(recording(log, 'a'), recording(log, 'b'));
    r.emit(events[0]!);
    r.emit(events[3]!);
    r.close!();
    assert.deepEqual(log, ['a:run-start', 'b:run-start', 'a:run-end', 'b:run-end', 'a:close', 'b:close']);
  });

  it('one reporter throwing does not starve the others; the first error is rethrown', () => {
    const log: string[] = [];
    const r = multiReporter(recording(log, 'a', true), recording(log, 'b', true), recording(log, 'c'), { emit: () => {} });
    assert.throws(() => r.emit(events[0]!), /a broke/);
    assert.deepEqual(log, ['a:run-start', 'b:run-start', 'c:run-start']);
    r.close!();
  });
});
