/**
 * Text from vars, hosts and files never drives the terminal: with ESC[31m, an OSC title sequence, CR,
 * backspace, DEL and a C1 CSI in every field of every event, each reporter mode writes no raw control
 * byte but newlines and tsplay's own escape sequences, and shows the hostile ones visibly.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { consoleReporter } from '../../lib/report/console.js';
import type { RunEvent } from '../../lib/report/events.js';
import { jsonReporter } from '../../lib/report/json.js';
import { printable } from '../../lib/report/printable.js';
import { Collect, colour, hostStats, plain } from './helpers.js';

// An SGR tsplay never writes, so that with colours on it can be told apart from tsplay's own.
const HOSTILE = ['\x1b[31m', '\x1b[7;41m', '\x1b]0;pwned\x07', '\rOK ', 'x\b\b', '\u009b2J', 'del\x7f', '\u202egnp.exe'];
const evil = (tag: string) => `${tag}${HOSTILE.join('')}`;
const host = evil('h');
const role = evil('role');

const events: RunEvent[] = [
  { kind: 'run-start', playbook: evil('pb.ts'), mode: 'apply', diff: true, hosts: [host] },
  { kind: 'controller', step: evil('pki'), text: evil('issued') },
  { kind: 'play-start', play: evil('play'), hosts: [host] },
  { kind: 'role-start', play: evil('play'), role, hosts: [host] },
  {
    kind: 'resource',
    host,
    role,
    resource: evil('file:/etc/'),
    status: 'changed',
    changes: [{ field: evil('mode'), before: evil('0644'), after: evil('0600') }],
  },
  {
    kind: 'resource',
    host,
    role,
    resource: evil('template:/etc/a'),
    status: 'changed',
    changes: [{ field: 'content', diff: { before: 'same\nold\r\n', after: `same\n${evil('new')}\r\n` } }],
  },
  { kind: 'resource', host, role, resource: evil('command:x'), status: 'failed', changes: [], error: evil('stderr') },
  { kind: 'handler', host, role, handler: evil('restart'), status: 'failed', error: evil('handler') },
  { kind: 'gate', host, role, gate: evil('health'), status: 'retry', attempt: 1, error: evil('retry') },
  { kind: 'gate', host, role, gate: evil('health'), status: 'failed', attempt: 3, error: evil('gate') },
  { kind: 'role-end', host, role, ms: 5, roundTrips: 1, changed: 1 },
  { kind: 'host-failed', host, error: evil('failed') },
  { kind: 'unreachable', host, error: evil('unreachable') },
  { kind: 'play-aborted', play: evil('play'), reason: evil('reason') },
  { kind: 'run-end', mode: 'apply', stats: { ms: 9, hosts: { [host]: hostStats({ changed: 2, failed: 1, roundTrips: 1, roleMs: { [role]: 5 } }) } } },
];

// Raw control bytes but newline; and the escapes tsplay writes itself: SGR colours, the live area's moves.
const CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]/;
const OWN_SGR = /\x1b\[[0-9;]*m/g;
const LIVE_MOVES = /\x1b\[\d+A\r\x1b\[0J|\x1b\[0J/g;

function assertNoForeignControls(text: string, own: RegExp[]): void {
  const rest = own.reduce((t, re) => t.replace(re, ''), text);
  const at = rest.search(CONTROL);
  assert.equal(at, -1, `raw control ${JSON.stringify(rest[at])} in ${JSON.stringify(rest.slice(Math.max(0, at - 40), at + 40))}`);
}

/** Every hostile sequence is shown, written out. */
function assertShownVisibly(text: string): void {
  for (const shown of ['\\x1b[31m', '\\x1b]0;pwned\\x07', '\\rOK', 'x\\b\\b', '\\u009b2J', 'del\\x7f', '\\u202egnp.exe'])
    assert.ok(text.includes(shown), `${shown} not shown in:\n${text}`);
}

function consoleOut(over: { tty?: boolean; chalk?: typeof plain; verbose?: number } = {}): Collect {
  const out = new Collect();
  let tick = () => {};
  const r = consoleReporter({
    out,
    chalk: over.chalk ?? plain,
    tty: over.tty ?? false,
    verbose: over.verbose ?? 2,
    diff: true,
    now: () => 0,
    ticker: (fn) => ((tick = fn), { stop() {} }),
  });
  for (const e of events) {
    r.emit(e);
    tick();
  }
  r.close?.();
  return out;
}

describe('terminal safety', () => {
  it('printable() writes C0, DEL, C1 and bidi controls out, and keeps newlines', () => {
    assert.equal(printable('a\x1b[31mb\r\nc\td\b\x00\x7f\u0085\u009b\u202e\n'), 'a\\x1b[31mb\\r\nc\\td\\b\\0\\x7f\\u0085\\u009b\\u202e\n');
  });

  it('console, plain lines with diffs, errors and the recap: no raw control byte', () => {
    const out = consoleOut();
    assertNoForeignControls(out.text, []);
    assertShownVisibly(out.text);
    assert.match(out.text, /\+new\\x1b\[31m.*\\r\n/, 'the diff shows the CR and ESC of the content');
    assert.match(out.text, /\nh\\x1b\[31m.* {2}ok=0 {2}changed=2/, "the recap's host name is escaped");
  });

  it("console with colours: tsplay's own colours stay, the content's SGR does not reach the terminal", () => {
    const out = consoleOut({ chalk: colour });
    assert.ok(!out.text.includes('\x1b[7;41m'), 'a colour from the content reached the terminal');
    assert.ok(out.text.includes('\x1b[33m') && out.text.includes('\x1b[31m'), "tsplay's own colours are gone");
    assertNoForeignControls(out.text, [OWN_SGR]);
    assertShownVisibly(out.text);
  });

  it('console, live TTY area: only its own cursor moves and colours are raw', () => {
    const out = consoleOut({ tty: true, chalk: colour });
    assert.ok(!out.text.includes('\x1b[7;41m'));
    assertNoForeignControls(out.text, [LIVE_MOVES, OWN_SGR]);
    assertShownVisibly(out.text);
  });

  it('JSON lines: no raw control byte (JSON escapes C0; DEL, C1 and bidi controls as \\u escapes) and the values round-trip', () => {
    const out = new Collect();
    const r = jsonReporter(out);
    for (const e of events) r.emit(e);
    assertNoForeignControls(out.text, []);
    const parsed = out.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RunEvent & { time: string });
    assert.deepEqual(
      parsed.map(({ time: _t, ...e }) => e),
      events,
    );
  });
});
