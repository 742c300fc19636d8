import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransportError } from '../../lib/core/errors.js';
import { localConnection } from '../../lib/transport/local.js';

describe('local transport', () => {
  const c = localConnection();

  it('runs commands with stdin and reports exit codes', async () => {
    const r = await c.exec('read x; echo "got $x"; echo err >&2; exit 7', { stdin: 'hello\n' });
    assert.deepEqual(r, { exitCode: 7, stdout: 'got hello\n', stderr: 'err\n' });
  });

  it('kills a command that outlives its timeout', async () => {
    const started = Date.now();
    await assert.rejects(c.exec('sleep 5', { timeoutMs: 200 }), TransportError);
    assert.ok(Date.now() - started < 2000);
  });

  it('writes atomically with mode, from bytes and from a file, and reads back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-local-'));
    await c.put(join(dir, 'a'), new TextEncoder().encode('bytes'), { mode: 0o600 });
    assert.equal(readFileSync(join(dir, 'a'), 'utf8'), 'bytes');
    assert.equal(statSync(join(dir, 'a')).mode & 0o777, 0o600);
    writeFileSync(join(dir, 'src'), 'streamed');
    await c.put(join(dir, 'b'), { localPath: join(dir, 'src') }, { mode: 0o644 });
    assert.equal(Buffer.from((await c.get(join(dir, 'b')))!).toString(), 'streamed');
    assert.deepEqual(readdirSync(dir).sort(), ['a', 'b', 'src']);
    assert.equal(await c.get(join(dir, 'missing')), undefined);
  });

  it('fails a put into a missing directory without leaving anything', async () => {
    await assert.rejects(c.put('/nonexistent-dir/x', new Uint8Array([1])), /cannot write \/nonexistent-dir\/x/);
  });
});
