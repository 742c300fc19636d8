/**
 * File queries answered in one batch (stat, sha256sum, tar) must equal the file-by-file answers a host
 * without tar gets. The real shell and tools are the oracle: both scripts run here, over the same tree.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'mocha';
import type { FileState, Query } from '../../lib/core/ops.js';
import { parseAnswers } from '../../lib/transport/shell-answers.js';
import { renderQueries } from '../../lib/transport/shell-query.js';

describe('file queries in one batch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-files-'));
  const bin = join(dir, '.bin-without-tar');
  after(() => rmSync(dir, { recursive: true, force: true }));
  const at = (name: string) => join(dir, name);
  const deep = join(dir, 'd'.repeat(60), 'e'.repeat(60));
  mkdirSync(deep, { recursive: true });
  mkdirSync(bin);
  for (const tool of ['sh', 'stat', 'base64', 'sha256sum', 'cat', 'find'])
    symlinkSync(
      execFileSync('sh', ['-c', `command -v ${tool}`])
        .toString()
        .trim(),
      join(bin, tool),
    );
  const files: Record<string, string | Buffer> = {
    'app.conf': 'listen 8080\n',
    empty: '',
    'bin.dat': Buffer.from([0, 1, 2, 255, 10, 0]),
    'big.log': 'x'.repeat(100),
    'odd\nname\\with.conf': 'odd\n',
    [join(deep, 'long-path.conf').slice(dir.length + 1)]: 'deep\n',
  };
  for (const [name, body] of Object.entries(files)) writeFileSync(at(name), body);
  mkdirSync(at('sub'));
  symlinkSync(at('app.conf'), at('link'));
  symlinkSync(at('nowhere'), at('dangling'));

  const file = (name: string, opts: { sha256?: boolean; content?: number } = { content: 64 }): Query => ({ q: 'file', path: at(name), ...opts });
  const queries: Query[] = [
    file('app.conf'),
    file('empty'),
    file('bin.dat', { content: 64, sha256: true }),
    file('big.log'),
    file('big.log', { sha256: true }),
    file('odd\nname\\with.conf', { content: 64, sha256: true }),
    file(join(deep, 'long-path.conf').slice(dir.length + 1)),
    file('sub'),
    file('link'),
    file('dangling'),
    file('missing'),
    file('app.conf', { sha256: true }),
    { q: 'command', command: 'echo between' },
  ];
  const run = (path?: string) => {
    const B = '__tsplay_test__';
    const stdout = execFileSync('/bin/sh', ['-s'], { input: renderQueries(queries, B), env: path ? { PATH: path } : process.env }).toString('utf8');
    return { stdout, answers: parseAnswers(queries, stdout, B) as FileState[] };
  };

  it('answers every kind of path as the file-by-file script does', () => {
    const batched = run();
    const single = run(bin);
    assert.match(batched.stdout, /files-tar/);
    assert.doesNotMatch(single.stdout, /files-tar/);
    assert.deepEqual(batched.answers, single.answers);
  });

  it('reads contents (any bytes, long and odd names), hashes, and leaves out what is too big or not a file', () => {
    const [app, empty, bin2, big, bigSha, odd, long, sub, link, dangling, missing, appSha, cmd] = run().answers as unknown as FileState[];
    assert.deepEqual(app, { exists: true, type: 'file', mode: 0o644, owner: 'root', group: 'root', size: 12, content: 'listen 8080\n' });
    assert.equal(empty!.content, '');
    assert.equal(bin2!.sha256, createHash('sha256').update(files['bin.dat']!).digest('hex'));
    assert.equal(bin2!.content, (files['bin.dat'] as Buffer).toString('utf8'));
    assert.equal(big!.content, undefined);
    assert.equal(big!.size, 100);
    assert.equal(bigSha!.sha256, createHash('sha256').update('x'.repeat(100)).digest('hex'));
    assert.equal(odd!.content, 'odd\n');
    assert.equal(odd!.sha256, createHash('sha256').update('odd\n').digest('hex'));
    assert.equal(long!.content, 'deep\n');
    assert.equal(sub!.type, 'directory');
    assert.equal(link!.content, 'listen 8080\n', 'a symlink is followed');
    assert.equal(dangling!.type, 'symlink');
    assert.deepEqual(missing, { exists: false });
    assert.equal(appSha!.content, undefined);
    assert.deepEqual(cmd, { exitCode: 0, stdout: 'between\n' });
  });
});
