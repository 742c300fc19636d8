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
import { Collect, plain, resource, runStart } from './helpers.js';

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
  for (const leaked of [token, 'tok-9f8e7d', 'hunter2', 'pass:', 'MHcCAQEEIBkg4LVWM9nuwNSk3yRxw', 'AwEHoUQDQgAEp8YzGnUvW0LbOv5']) assert.ok(!text.includes(leaked), `leaked ${leaked}:\n${text}`);
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
    const parsed = out.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(JSON.stringify(parsed).includes('[secret]'), true);
    assertClean(JSON.stringify(parsed));
  });
});
