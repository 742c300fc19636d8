/**
 * A secret value must not leave any reporter, whatever path it took: a change value, a diff, an error
 * message, a gate retry, the live area, the JSON stream.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { remember, secret } from '../../lib/core/secret.js';
import { consoleReporter } from '../../lib/report/console.js';
import type { RunEvent } from '../../lib/report/events.js';
import { jsonReporter } from '../../lib/report/json.js';
import { Collect, colour, hostStats, plain, resource, runStart } from './helpers.js';
import { carriers, leaks, SECRETS } from './leaks.js';

const token = secret('tok-9f8e7d6c5b4a').reveal();
// Lines shorter than 16 characters are not remembered one by one: only the whole value can be masked.
const creds = 'user: admin\npass: hunter2!\n';
remember(creds);
const pem = `-----BEGIN EC PRIVATE KEY-----\n${'MHcCAQEEIBkg4LVWM9nuwNSk3yRxw'}\n${'AwEHoUQDQgAEp8YzGnUvW0LbOv5'}\n-----END EC PRIVATE KEY-----\n`;
remember(pem);

const events: RunEvent[] = [
  runStart(['h'], 'apply', true),
  resource({ host: 'h', changes: [{ field: 'env', before: `TOKEN=${token}`, after: 'TOKEN=new' }] }),
  resource({ host: 'h', changes: [{ field: 'content', diff: { before: 'a\n', after: `a\n${creds}b\n` } }] }),
  resource({ host: 'h', resource: 'file:/etc/ssl/k.pem', changes: [{ field: 'content', diff: { before: '', after: pem } }] }),
  resource({ host: 'h', changes: [{ field: 'cmd', after: `${'x'.repeat(110)}${token}` }] }),
  resource({ host: 'h', status: 'failed', error: `curl -H "Authorization: Bearer ${token}" failed\n${creds}` }),
  { kind: 'gate', host: 'h', role: 'base', gate: 'health', status: 'retry', attempt: 1, error: `401 for ${token}` },
  { kind: 'host-failed', host: 'h', error: `[h] login with ${token} refused` },
  { kind: 'unreachable', host: 'h', error: `ssh key ${token} rejected` },
];

function assertClean(text: string): void {
  for (const leaked of [token, 'tok-9f8e7d', 'hunter2', 'pass:', 'MHcCAQEEIBkg4LVWM9nuwNSk3yRxw', 'AwEHoUQDQgAEp8YzGnUvW0LbOv5'])
    assert.ok(!text.includes(leaked), `leaked ${leaked}:\n${text}`);
}

describe('report secrets', () => {
  it('console, plain: change values, diffs, errors, gate retries and host errors are masked', () => {
    const out = new Collect();
    const r = consoleReporter({ out, chalk: plain, tty: false, verbose: 1, diff: true });
    for (const e of events) r.emit(e);
    assertClean(out.text);
    assert.match(out.text, /env TOKEN=\[secret\] → TOKEN=new/);
    assert.match(out.text, /\+\[secret\]b/, 'the multi-line secret is masked before diffing, as one piece');
    assert.match(out.text, /FAILED \[h\] login with \[secret\] refused/);
    assert.match(out.text, /attempt 1: 401 for \[secret\]/);
  });

  it('a value cut to fit the line is masked before the cut (no half secret)', () => {
    const out = new Collect();
    const r = consoleReporter({ out, chalk: plain, tty: false, verbose: 0, diff: false });
    r.emit(runStart(['h']));
    r.emit(events[4]!);
    assertClean(out.text);
    assert.match(out.text, /cmd → x{110}\[secret\]\n/);
  });

  it('console, live TTY area: the status line of a failed host is masked too', () => {
    const out = new Collect();
    let tick = () => {};
    const r = consoleReporter({ out, chalk: plain, tty: true, verbose: 1, diff: true, now: () => 0, ticker: (fn) => ((tick = fn), { stop() {} }) });
    for (const e of events) {
      r.emit(e);
      tick();
    }
    assertClean(out.text);
    assert.match(out.text, /✗ h {2}base {9}ok 0 · changed 4 · failed 1 {2}\[h\] login with \[secret\] refused/);
  });

  it('JSON lines: every string field, escaped or not, is masked', () => {
    const out = new Collect();
    const r = jsonReporter(out);
    for (const e of events) r.emit(e);
    assertClean(out.text);
    const parsed = out.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(JSON.stringify(parsed).includes('[secret]'), true);
    assertClean(JSON.stringify(parsed));
  });
});

describe('report secrets: every length, every encoding, every output mode', () => {
  /** Each carrier of each secret in every field a reporter prints, the recap's host and role names included. */
  const all: RunEvent[] = SECRETS.flatMap((s) =>
    carriers(s).flatMap(({ text }): RunEvent[] => [
      { kind: 'controller', step: 'pki', text },
      resource({
        host: 'h',
        changes: [
          { field: 'env', before: text, after: 'x' },
          { field: 'content', diff: { before: 'a\n', after: `a\n${text}\n` } },
        ],
      }),
      resource({ host: 'h', resource: `command:${text}`, status: 'failed', changes: [], error: `exit 1: ${text}` }),
      { kind: 'handler', host: 'h', role: 'base', handler: 'restart', status: 'failed', error: text },
      { kind: 'gate', host: 'h', role: 'base', gate: 'health', status: 'retry', attempt: 1, error: text },
      { kind: 'gate', host: 'h', role: 'base', gate: 'health', status: 'failed', attempt: 2, error: text },
      { kind: 'host-failed', host: 'h', error: `[h] ${text}` },
      { kind: 'unreachable', host: 'h', error: text },
      { kind: 'play-aborted', play: 'p', reason: text },
    ]),
  );
  const recapHosts = Object.fromEntries(
    SECRETS.flatMap((s) => carriers(s).map(({ text }, i) => [`${text}-${i}`, hostStats({ changed: 1, roleMs: { [`role ${text}`]: 5 } })])),
  );
  const run: RunEvent[] = [
    runStart(['h', ...Object.keys(recapHosts)], 'apply', true),
    ...all,
    { kind: 'run-end', mode: 'apply', stats: { ms: 9, hosts: recapHosts } },
  ];

  it('the events really carry every secret in every encoding (the scanner finds them)', () => {
    assert.ok(leaks(JSON.stringify(run)).length > 0);
    assert.ok(leaks(run.map((e) => JSON.stringify(e)).join('')).length >= SECRETS.length * 6);
  });

  for (const mode of ['plain', 'colour', 'live'] as const) {
    it(`console ${mode}: lines, --diff, errors, gate retries and the recap leak nothing`, () => {
      const out = new Collect();
      let tick = () => {};
      const r = consoleReporter({
        out,
        chalk: mode === 'colour' ? colour : plain,
        tty: mode === 'live',
        verbose: 2,
        diff: true,
        now: () => 0,
        ticker: (fn) => ((tick = fn), { stop() {} }),
      });
      for (const e of run) {
        r.emit(e);
        tick();
      }
      r.close?.();
      assert.deepEqual(leaks(out.text), []);
      assert.match(out.plain, /RECAP/);
    });
  }

  it('--json: neither the lines nor the values they decode to leak, and every line parses', () => {
    const out = new Collect();
    const r = jsonReporter(out);
    for (const e of run) r.emit(e);
    assert.deepEqual(leaks(out.text), []);
    const values: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') values.push(v);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          values.push(k);
          walk(x);
        }
      }
    };
    for (const line of out.text.trim().split('\n')) walk(JSON.parse(line));
    assert.deepEqual(leaks(values.join('\n')), []);
  });
});
