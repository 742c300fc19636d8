import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'mocha';
import type { HostStats, RunEvent } from '../../lib/report/events.js';
import { esc, htmlReporter, renderHtml, type Timed } from '../../lib/report/html/index.js';

const stats = (o: Partial<HostStats> = {}): HostStats => ({ ok: 1, changed: 1, failed: 0, skipped: 0, unreachable: false, roundTrips: 4, roleMs: {}, ...o });
const hostile = `<script>alert("x")</script>'&`;
const run: RunEvent[] = [
  { kind: 'run-start', playbook: 'site.ts', mode: 'apply', diff: true, hosts: ['web-1', 'db-1'] },
  { kind: 'role-start', play: 'p', role: 'motd', hosts: ['web-1', 'db-1'] },
  {
    kind: 'resource',
    host: 'web-1',
    role: 'motd',
    resource: 'file:/etc/motd',
    status: 'changed',
    changes: [{ field: 'content', diff: { before: 'old\n', after: `${hostile}\n` } }],
  },
  { kind: 'gate', host: 'web-1', role: 'motd', gate: 'reads', status: 'retry', attempt: 1 },
  { kind: 'gate', host: 'web-1', role: 'motd', gate: 'reads', status: 'ok', attempt: 2 },
  { kind: 'role-end', host: 'web-1', role: 'motd', ms: 20, roundTrips: 3, changed: 1 },
  { kind: 'resource', host: 'db-1', role: 'motd', resource: 'command:check', status: 'failed', changes: [], error: `stderr: ${hostile}` },
  { kind: 'role-end', host: 'db-1', role: 'motd', ms: 30, roundTrips: 2, changed: 0 },
  { kind: 'run-end', mode: 'apply', stats: { ms: 50, hosts: { 'web-1': stats(), 'db-1': stats({ failed: 1, changed: 0 }) } } },
];
const timed = (events: RunEvent[]): Timed[] => events.map((event, i) => ({ at: 1000 + i * 10, event }));

describe('HTML run report', () => {
  const html = renderHtml(timed(run));

  it('escapes every character that could open markup or end an attribute', () => {
    assert.equal(esc(`<a href="x">'&`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
  });

  it('shows a hostile string in a diff and in an error as text, never as markup', () => {
    assert.ok(!html.includes('<script'), 'no script element may appear');
    assert.ok(!html.includes(hostile));
    assert.ok(html.includes('+&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;'), 'diff line shown escaped');
    assert.ok(html.includes('stderr: &lt;script&gt;'), 'error shown escaped');
  });

  it('has a timeline row for every host with its role, the gate retry marked and the failure red', () => {
    for (const h of ['web-1', 'db-1'])
      assert.match(html, new RegExp(`data-host="${h}"><div class="host">${h}</div><div class="lane"><div class="bar[^"]*" data-role="motd"`));
    assert.match(html, /class="bar gated retried" data-role="motd"[^>]*title="motd on web-1: 40 ms, 3 round trips; gates reads: ok; 1 retries"/);
    assert.match(html, /class="bar failed" data-role="motd"/);
  });

  it('carries the totals with round trips, and says so when the run did not end', () => {
    assert.match(html, /<td>db-1<\/td><td>1<\/td><td>0<\/td><td>1<\/td><td>0<\/td><td><\/td><td>4<\/td>/);
    assert.match(renderHtml(timed(run.slice(0, 3))), /did not end normally/);
  });

  it('is written atomically at close, once, and its path noted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-html-'));
    const file = join(dir, 'run.html');
    const notes: string[] = [];
    const r = htmlReporter({ file, note: (t) => notes.push(t) });
    for (const e of run) r.emit(e);
    r.close?.();
    r.close?.();
    assert.deepEqual(readdirSync(dir), ['run.html'], 'no temp file left');
    assert.match(readFileSync(file, 'utf8'), /^<!doctype html>/);
    assert.deepEqual(notes, [`report: ${file}\n`]);
  });
});
