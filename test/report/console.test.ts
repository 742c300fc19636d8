import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { consoleReporter, type ConsoleOptions } from '../../lib/report/console.js';
import type { RunEvent } from '../../lib/report/events.js';
import { Collect, colour, hostStats, plain, resource, runStart, screen } from './helpers.js';

const hosts = ['web-01', 'web-02', 'db-1'];
const run: RunEvent[] = [
  runStart(hosts),
  { kind: 'play-start', play: 'site', hosts },
  { kind: 'role-start', play: 'site', role: 'base', hosts },
  resource({ host: 'web-01', status: 'ok', changes: [] }),
  resource({ host: 'web-02' }),
  resource({ host: 'db-1', resource: 'service:etcd', status: 'failed', changes: [], error: 'exit 1' }),
  { kind: 'role-end', host: 'web-01', role: 'base', ms: 120, roundTrips: 1, changed: 0 },
  { kind: 'role-end', host: 'web-02', role: 'base', ms: 130, roundTrips: 2, changed: 1 },
  { kind: 'role-end', host: 'db-1', role: 'base', ms: 90, roundTrips: 2, changed: 0 },
  { kind: 'host-failed', host: 'db-1', error: '[db-1] service:etcd: exited 1: exit 1' },
  {
    kind: 'run-end',
    mode: 'apply',
    stats: {
      ms: 400,
      hosts: {
        'web-01': hostStats({ ok: 1, roundTrips: 1, roleMs: { base: 120 } }),
        'web-02': hostStats({ changed: 1, roundTrips: 2, roleMs: { base: 130 } }),
        'db-1': hostStats({ failed: 1, roundTrips: 2, roleMs: { base: 90 } }),
      },
    },
  },
];

const recap = [
  '',
  'RECAP',
  'web-01  ok=1  changed=0  failed=0  unreachable=0  skipped=0  round trips=1',
  'web-02  ok=0  changed=1  failed=0  unreachable=0  skipped=0  round trips=2',
  'db-1    ok=0  changed=0  failed=1  unreachable=0  skipped=0  round trips=2',
  '',
  'roles, slowest first (max over hosts · sum)',
  '  base   130ms  · 340ms over 3 hosts',
  '',
  'total 400ms · 3 hosts · 1 changed · 1 failed · 5 round trips',
];

/** A TTY console whose frames are driven by hand. */
function ttyConsole(over: Partial<ConsoleOptions> = {}) {
  const out = new Collect();
  const clock = { t: 0, tick: () => {}, stopped: false };
  const r = consoleReporter({
    out,
    chalk: plain,
    tty: true,
    verbose: 0,
    diff: false,
    now: () => clock.t,
    ticker: (fn) => ((clock.tick = fn), { stop: () => void (clock.stopped = true) }),
    ...over,
  });
  return { out, clock, r };
}

describe('console reporter', () => {
  it('plain mode: headers, one line per change or failure, the recap; no escapes', () => {
    const out = new Collect();
    const r = consoleReporter({ out, chalk: plain, tty: false, verbose: 0, diff: false });
    for (const e of run) r.emit(e);
    assert.equal(
      out.text,
      [
        'tsplay site.ts · apply · 3 hosts',
        '',
        'PLAY [site] · 3 hosts',
        'ROLE [base] · 3 hosts',
        'changed  [web-02] base › file:/etc/x  mode 0644 → 0600',
        'failed   [db-1] base › service:etcd',
        '    exit 1',
        'FAILED [db-1] service:etcd: exited 1: exit 1',
        ...recap,
        '',
      ].join('\n'),
    );
  });

  it('plain mode: -v adds ok resources; failures go to err when given', () => {
    const out = new Collect();
    const err = new Collect();
    const r = consoleReporter({ out, err, chalk: plain, tty: false, verbose: 1, diff: false });
    for (const e of run) r.emit(e);
    assert.match(out.text, /^ok {7}\[web-01\] base › file:\/etc\/x$/m);
    assert.equal(err.text, 'FAILED [db-1] service:etcd: exited 1: exit 1\n');
    assert.ok(!out.text.includes('FAILED'));
  });

  it('check mode shows diffs without --diff', () => {
    const out = new Collect();
    const r = consoleReporter({ out, chalk: plain, tty: false, verbose: 0, diff: false });
    r.emit(runStart(['h'], 'check'));
    r.emit(resource({ host: 'h', status: 'would-change', changes: [{ field: 'content', diff: { before: 'a\n', after: 'b\n' } }] }));
    assert.deepEqual(out.text.split('\n').slice(1, 7), [
      'would change  [h] base › file:/etc/x  content +1 −1',
      '    --- before',
      '    +++ after',
      '    @@ -1,1 +1,1 @@',
      '    -a',
      '    +b',
    ]);
  });

  it('colours reach the stream when chalk has a level', () => {
    const out = new Collect();
    const r = consoleReporter({ out, chalk: colour, tty: false, verbose: 0, diff: false });
    for (const e of run) r.emit(e);
    assert.match(out.text, /\x1b\[33mchanged {2}\x1b\[39m/);
    assert.match(out.text, /\x1b\[31m\x1b\[1mFAILED \[db-1\]/);
    assert.equal(out.plain.split('\n').slice(-11).join('\n'), `${recap.join('\n')}\n`);
  });

  it('TTY mode: a live status line per host, redrawn in place with cursor moves', () => {
    const { out, clock, r } = ttyConsole();
    for (const e of run.slice(0, 5)) r.emit(e);
    clock.t = 2500;
    clock.tick();
    assert.ok(out.text.includes('\x1b[3A\r\x1b[0J'), 'moves up over the 3 status lines and erases them');
    assert.deepEqual(screen(out.text), [
      'tsplay site.ts · apply · 3 hosts',
      '',
      'PLAY [site] · 3 hosts',
      'ROLE [base] · 3 hosts',
      'changed  [web-02] base › file:/etc/x  mode 0644 → 0600',
      '● web-01  base     2s  ok 1',
      '● web-02  base     2s  ok 0 · changed 1',
      '● db-1    base     2s  ok 0',
      '',
    ]);
  });

  it('TTY mode ends clean: the live area is erased before the recap and the ticker stops', () => {
    const { out, clock, r } = ttyConsole();
    for (const e of run) {
      r.emit(e);
      clock.t += 150;
      clock.tick();
    }
    assert.ok(clock.stopped);
    assert.deepEqual(screen(out.text), [
      'tsplay site.ts · apply · 3 hosts',
      '',
      'PLAY [site] · 3 hosts',
      'ROLE [base] · 3 hosts',
      'changed  [web-02] base › file:/etc/x  mode 0644 → 0600',
      'failed   [db-1] base › service:etcd',
      '    exit 1',
      'FAILED [db-1] service:etcd: exited 1: exit 1',
      ...recap,
      '',
    ]);
    assert.ok(out.text.endsWith('5 round trips\n'));
  });

  it('TTY mode is throttled: events between frames cost no writes, a frame is one write', () => {
    const { out, clock, r } = ttyConsole();
    r.emit(runStart(hosts));
    const before = out.writes;
    for (let i = 0; i < 1000; i++) r.emit(resource({ host: hosts[i % 3]!, status: i % 10 ? 'ok' : 'changed' }));
    assert.equal(out.writes, before, 'nothing written until the next frame');
    clock.t = 100;
    clock.tick();
    assert.equal(out.writes, before + 1);
    assert.equal(screen(out.text).filter((l) => l.startsWith('changed')).length, 100, 'every change line printed above the area');
    clock.t = 500;
    clock.tick();
    assert.equal(out.writes, before + 1, 'nothing new: no redraw');
    clock.t = 1200;
    clock.tick();
    assert.equal(out.writes, before + 2, 'the clocks tick once a second');
  });

  it('TTY mode fits the terminal: no line wider than it, at most half its rows', () => {
    const many = Array.from({ length: 100 }, (_, i) => `node-${String(i).padStart(3, '0')}.cluster.example.com`);
    const { out, clock, r } = ttyConsole({ size: () => ({ columns: 40, rows: 10 }) });
    r.emit(runStart(many));
    r.emit({ kind: 'role-start', play: 'p', role: 'kubernetes-control-plane', hosts: many.slice(0, 50) });
    clock.tick();
    const shown = screen(out.text).slice(2, -1);
    assert.equal(shown.length, 5, 'half the rows');
    assert.ok(
      shown.every((l) => [...l].length <= 39),
      shown.join('\n'),
    );
    assert.equal(shown[4], '  … 96 more hosts: 46 running, 50 wait…');
    assert.ok(shown[0]!.startsWith('● node-000.cluster.example.com  kubern…'));
  });

  it('close() stops the live area mid-run and leaves the terminal plain', () => {
    const { out, clock, r } = ttyConsole();
    r.emit(runStart(hosts));
    r.emit(resource({ host: 'web-01' }));
    r.close!();
    assert.ok(clock.stopped);
    assert.deepEqual(screen(out.text), ['tsplay site.ts · apply · 3 hosts', 'changed  [web-01] base › file:/etc/x  mode 0644 → 0600', '']);
  });
});

describe('console reporter cost', () => {
  it('a 100-host run: thousands of events cost a write per frame, not per event', () => {
    const many = Array.from({ length: 100 }, (_, i) => `node-${i}`);
    const { out, clock, r } = ttyConsole();
    r.emit(runStart(many));
    for (let k = 0; k < 100; k++) {
      for (const h of many) r.emit(resource({ host: h, status: k % 20 ? 'ok' : 'changed' }));
      clock.t += 20; // 100 events every 20 ms: a frame every fifth batch
      if (k % 5 === 4) clock.tick();
    }
    assert.equal(out.writes, 2 + 20, 'the run header, the first frame, then one write per frame');
    assert.equal(screen(out.text).filter((l) => l.startsWith('changed')).length, 500);
  });
});
