import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { eventLines, type LineStyle } from '../../lib/report/lines.js';
import { colour, plain, resource } from './helpers.js';

const apply: LineStyle = { chalk: plain, verbose: 0, showDiff: false, mode: 'apply' };
const check: LineStyle = { ...apply, mode: 'check', showDiff: true };

describe('report lines', () => {
  it('a changed resource: one line with before → after', () => {
    assert.deepEqual(eventLines(resource(), apply), ['changed  [web-01] base › file:/etc/x  mode 0644 → 0600']);
  });

  it('several changes on one line; a text change as +added −removed, its diff only with --diff', () => {
    const e = resource({
      changes: [
        { field: 'state', before: 'absent', after: 'file' },
        { field: 'content', diff: { before: 'a\nb\n', after: 'a\nc\nd\n' } },
        { field: 'owner', after: 'etcd' },
        { field: 'line', before: 'x=1' },
      ],
    });
    const head = 'changed  [web-01] base › file:/etc/x  state absent → file, content +2 −1, owner → etcd, line x=1 → (unset)';
    assert.deepEqual(eventLines(e, apply), [head]);
    assert.deepEqual(eventLines(e, { ...apply, showDiff: true }), [
      head,
      '    --- before',
      '    +++ after',
      '    @@ -1,2 +1,3 @@',
      '     a',
      '    -b',
      '    +c',
      '    +d',
    ]);
  });

  it('check mode: would change, with the dependency note', () => {
    const e = resource({
      resource: 'service:etcd',
      status: 'would-change',
      changes: [{ field: 'state', before: 'inactive', after: 'started' }],
      dependsOn: ['file:/etc/etcd.conf', 'unit:etcd'],
    });
    assert.deepEqual(eventLines(e, check), [
      'would change  [web-01] base › service:etcd  state inactive → started (depends on earlier change to file:/etc/etcd.conf, unit:etcd — outcome may differ)',
    ]);
  });

  it('a secret resource says which field changes, never the content', () => {
    const e = resource({ resource: 'file:/etc/k.pem', secret: true, changes: [{ field: 'content' }, { field: 'mode' }] });
    assert.deepEqual(eventLines(e, { ...apply, showDiff: true }), [
      'changed  [web-01] base › file:/etc/k.pem  content changed (secret), mode changed (secret)',
    ]);
  });

  it('multi-line and long values stay on one line, cut with …', () => {
    const e = resource({ changes: [{ field: 'run', before: 'no guard\nruns always', after: 'x'.repeat(200) }] });
    const [line] = eventLines(e, apply);
    assert.match(line!, /run no guard↵runs always → x{119}…$/);
  });

  it('ok and skipped resources only with -v', () => {
    const ok = resource({ status: 'ok', changes: [] });
    const skipped = resource({ status: 'skipped' });
    assert.deepEqual(eventLines(ok, apply), []);
    assert.deepEqual(eventLines(skipped, apply), []);
    assert.deepEqual(eventLines(ok, { ...apply, verbose: 1 }), ['ok       [web-01] base › file:/etc/x']);
    assert.deepEqual(eventLines(skipped, { ...apply, verbose: 1 }), ['skipped  [web-01] base › file:/etc/x  mode 0644 → 0600']);
  });

  it('a failed resource: its changes, then the error indented and red', () => {
    const e = resource({
      resource: 'service:etcd',
      status: 'failed',
      changes: [{ field: 'state', before: 'inactive', after: 'started' }],
      error: 'Job for etcd.service failed.\nSee journalctl -xeu etcd',
    });
    assert.deepEqual(eventLines(e, apply), [
      'failed   [web-01] base › service:etcd  state inactive → started',
      '    Job for etcd.service failed.',
      '    See journalctl -xeu etcd',
    ]);
    const [, err] = eventLines(e, { ...apply, chalk: colour });
    assert.equal(err, '\x1b[31m    Job for etcd.service failed.\x1b[39m');
  });

  it('long errors keep the last 20 lines', () => {
    const error = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    const out = eventLines(resource({ status: 'failed', error }), apply);
    assert.equal(out.length, 22);
    assert.equal(out[1], '    … 10 earlier lines');
    assert.equal(out[2], '    line 10');
    assert.equal(out[21], '    line 29');
  });

  it('gates: retries and passes with -v, failures always', () => {
    const retry = { kind: 'gate', host: 'h', role: 'etcd', gate: 'health', status: 'retry', attempt: 2, error: 'refused\nmore' } as const;
    const failed = { ...retry, status: 'failed', attempt: 10 } as const;
    assert.deepEqual(eventLines(retry, apply), []);
    assert.deepEqual(eventLines(retry, { ...apply, verbose: 1 }), ['retry    [h] etcd › gate health  attempt 2: refused']);
    assert.deepEqual(eventLines({ ...retry, status: 'ok', attempt: 3 }, { ...apply, verbose: 1 }), ['ok       [h] etcd › gate health  (attempt 3)']);
    assert.deepEqual(eventLines(failed, apply), ['failed   [h] etcd › gate health  after 10 attempts', '    refused', '    more']);
  });

  it('handlers, headers, host failures and unreachable hosts', () => {
    assert.deepEqual(eventLines({ kind: 'handler', host: 'h', role: 'etcd', handler: 'restart etcd', status: 'would-change' }, check), [
      'would change  [h] etcd › handler restart etcd',
    ]);
    assert.deepEqual(eventLines({ kind: 'play-start', play: 'site', hosts: ['a', 'b'] }, apply), ['', 'PLAY [site] · 2 hosts']);
    assert.deepEqual(eventLines({ kind: 'role-start', play: 'site', role: 'etcd', hosts: ['a'] }, apply), ['ROLE [etcd] · 1 host']);
    assert.deepEqual(eventLines({ kind: 'run-start', playbook: 'site.ts', mode: 'check', diff: false, hosts: ['a'] }, apply), [
      'tsplay site.ts · check mode (nothing will change) · 1 host',
    ]);
    assert.deepEqual(eventLines({ kind: 'host-failed', host: 'db', error: '[db] service:etcd: exited 1: boom\nstderr tail' }, apply), [
      'FAILED [db] service:etcd: exited 1: boom',
    ]);
    assert.deepEqual(eventLines({ kind: 'host-failed', host: 'db', error: '[db] x: boom\nstderr tail' }, { ...apply, verbose: 1 }), [
      'FAILED [db] x: boom',
      '    stderr tail',
    ]);
    assert.deepEqual(eventLines({ kind: 'unreachable', host: 'db', error: '[db] connect ECONNREFUSED 10.0.0.2:22' }, apply), [
      'UNREACHABLE [db] connect ECONNREFUSED 10.0.0.2:22',
    ]);
    assert.deepEqual(eventLines({ kind: 'play-aborted', play: 'site', reason: 'every host of the batch failed' }, apply), [
      'PLAY [site] aborted: every host of the batch failed',
    ]);
    assert.match(eventLines({ kind: 'unreachable', host: 'db', error: 'x' }, { ...apply, chalk: colour })[0]!, /^\x1b\[31m\x1b\[1mUNREACHABLE/);
  });

  it('role timings only with -vv', () => {
    const e = { kind: 'role-end', host: 'h', role: 'etcd', ms: 1234, roundTrips: 2, changed: 3 } as const;
    assert.deepEqual(eventLines(e, { ...apply, verbose: 1 }), []);
    assert.deepEqual(eventLines(e, { ...apply, verbose: 2 }), ['done     [h] etcd  1.2s, 2 round trips, 3 changed']);
  });

  it('colours the status word: yellow changed, red failed', () => {
    assert.ok(eventLines(resource(), { ...apply, chalk: colour })[0]!.startsWith('\x1b[33mchanged  \x1b[39m'));
    assert.ok(eventLines(resource({ status: 'failed' }), { ...apply, chalk: colour })[0]!.startsWith('\x1b[31mfailed   \x1b[39m'));
  });
});
