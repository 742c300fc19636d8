/**
 * Probes (a gate's first attempts) at the end of an action script, run for real under this machine's /bin/sh
 * through a child-process Connection, on a temp directory only.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import type { Action } from '../../lib/core/ops.js';
import { shellDriver } from '../../lib/transport/shell-driver.js';
import { ChildConnection } from './shell-child-connection.js';

describe('probes in the action script', function () {
  this.timeout(20000);
  let d: string;
  before(() => {
    d = mkdtempSync(join(tmpdir(), 'tsplay-probe-'));
  });
  after(() => rmSync(d, { recursive: true, force: true }));

  /** A command that fails (exit 7, with output on both streams) until it has run `n` times, then prints `ok` with no newline. */
  const upAfter = (name: string, n: number) =>
    `c=$(cat ${d}/${name} 2>/dev/null || echo 0); c=$((c+1)); echo $c >${d}/${name}; ` +
    `if [ $c -ge ${n} ]; then printf 'ok %s' "$c"; printf 'warm\\n' >&2; else echo "down $c"; echo "refused $c" >&2; exit 7; fi`;
  const write = (path: string, content: string): Action => ({ a: 'write', path, content });

  it('run after the groups in the same round trip, retried on the host until they exit 0, each attempt kept byte for byte', async () => {
    const driver = shellDriver(new ChildConnection());
    const res = await driver.act([[write(`${d}/a.conf`, 'a\n')]], {
      probes: [
        { command: `test -f ${d}/a.conf && ${upAfter('one', 3)}`, delaysMs: [10, 20, 40] },
        { command: `printf 'second\\n'`, delaysMs: [10] },
      ],
    });
    assert.equal(driver.roundTrips, 1);
    assert.ok(res.ok);
    assert.deepEqual(res.probes, [
      [
        { exitCode: 7, stdout: 'down 1\n', stderr: 'refused 1\n' },
        { exitCode: 7, stdout: 'down 2\n', stderr: 'refused 2\n' },
        { exitCode: 0, stdout: 'ok 3', stderr: 'warm\n' },
      ],
      [{ exitCode: 0, stdout: 'second\n', stderr: '' }],
    ]);
  });

  it('a probe that never passes spends its attempts and the probes after it do not run', async () => {
    const driver = shellDriver(new ChildConnection());
    const res = await driver.act([[write(`${d}/b.conf`, 'b\n')]], {
      probes: [
        { command: upAfter('two', 99), delaysMs: [1, 1] },
        { command: `touch ${d}/never`, delaysMs: [] },
      ],
    });
    assert.ok(res.ok);
    assert.deepEqual(
      res.probes?.map((p) => p.map((a) => a.exitCode)),
      [[7, 7, 7]],
    );
    assert.equal(readFileSync(`${d}/two`, 'utf8'), '3\n');
    assert.throws(() => readFileSync(`${d}/never`));
  });

  it('do not run when a group fails: the failure is the group’s, as without probes', async () => {
    const driver = shellDriver(new ChildConnection());
    const res = await driver.act([[write(`${d}/c.conf`, 'c\n')], [{ a: 'command', command: 'echo broken >&2; exit 3' }]], {
      probes: [{ command: `touch ${d}/ran`, delaysMs: [] }],
    });
    assert.deepEqual(res, { ok: false, failedGroup: 1, exitCode: 3, stderr: 'broken' });
    assert.throws(() => readFileSync(`${d}/ran`));
  });

  it('after an upload, and with no groups at all, run in a script of their own', async () => {
    const src = join(d, 'src.bin');
    writeFileSync(src, 'payload');
    const conn = new ChildConnection();
    const driver = shellDriver(conn);
    const res = await driver.act([[{ a: 'upload', path: `${d}/up.bin`, from: src, sha256: createHash('sha256').update('payload').digest('hex') }]], {
      probes: [{ command: `cat ${d}/up.bin`, delaysMs: [] }],
    });
    assert.deepEqual(res, { ok: true, probes: [[{ exitCode: 0, stdout: 'payload', stderr: '' }]] });
    assert.deepEqual(conn.commands, [`put ${d}/up.bin`, 'sh -s']);
    const none = await driver.act([], { probes: [{ command: 'echo alone', delaysMs: [] }] });
    assert.deepEqual(none, { ok: true, probes: [[{ exitCode: 0, stdout: 'alone\n', stderr: '' }]] });
  });

  it('a command with quotes, a heredoc-looking line and its own markers-like text stays one command', async () => {
    const driver = shellDriver(new ChildConnection());
    const res = await driver.act([], { probes: [{ command: `printf '%s\\n' "it's \\"x\\"" 'TSPLAY_EOF' '__tsplay_x__ probe 0 end 0'`, delaysMs: [] }] });
    assert.deepEqual(res, { ok: true, probes: [[{ exitCode: 0, stdout: 'it\'s "x"\nTSPLAY_EOF\n__tsplay_x__ probe 0 end 0\n', stderr: '' }]] });
  });
});
