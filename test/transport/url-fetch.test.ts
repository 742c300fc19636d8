/**
 * The host side of an artifact mirror, for real on this machine: the fetch script (shell-url-fetch.ts)
 * under /bin/sh with only curl (RHEL's curl-minimal), only wget, or neither on PATH, against the
 * controller's own server (serve.ts) on 127.0.0.1; and the shell driver's fallback to a put over the
 * Connection when the mirror cannot be reached.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, afterEach, before, describe, it } from 'mocha';
import { parseListen, serveArtifacts, type ServedArtifacts } from '../../lib/artifacts/serve.js';
import { onMirrorFallback } from '../../lib/core/mirror-fallback.js';
import { artifact } from '../../lib/resources/index.js';
import { changedIds, converge, prepareContext } from '../../lib/testing/index.js';
import { shellDriver } from '../../lib/transport/shell-driver.js';
import { renderUrlFetch, UNREACHABLE } from '../../lib/transport/shell-url-fetch.js';
import { ChildConnection } from './shell-child-connection.js';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
/** The tools the script needs besides the fetcher, as a PATH of their own. */
const TOOLS = ['sha256sum', 'cut', 'chmod', 'chown', 'sync', 'mv', 'rm', 'cat'];
const which = (t: string) => spawnSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).stdout.trim();

describe('artifact mirror: the host fetches, verifies, lands', function () {
  this.timeout(20000);
  let d: string;
  let served: ServedArtifacts;
  const bin = Buffer.from('#!/bin/sh\necho kubelet v1.34.7\n'.repeat(1000));
  let cached: string;

  /** A PATH dir holding TOOLS and the fetchers named. */
  const pathWith = (name: string, fetchers: readonly string[]) => {
    const p = join(d, `path-${name}`);
    mkdirSync(p);
    for (const t of [...TOOLS, ...fetchers]) symlinkSync(which(t), join(p, t));
    return p;
  };
  /** The script under /bin/sh, asynchronously: the server answering it lives in this process. */
  const run = (script: string, path: string) =>
    new Promise<{ status: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn('/bin/sh', ['-s'], { env: { PATH: path }, stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stderr }));
      child.stdin.end(script);
    });
  const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.includes('.tsplay-'));

  before(async () => {
    d = mkdtempSync(join(tmpdir(), 'tsplay-urlfetch-'));
    cached = join(d, 'cache-kubelet');
    writeFileSync(cached, bin);
    served = await serveArtifacts('127.0.0.1:0');
    served.mirror.offer!([{ localPath: cached, sha256: sha(bin) }]);
  });
  after(async () => {
    await served.close();
    rmSync(d, { recursive: true, force: true });
  });
  afterEach(() => onMirrorFallback());

  const target = (name: string) => {
    const dir = join(d, `host-${name}`);
    mkdirSync(dir);
    const path = join(dir, 'kubelet');
    writeFileSync(path, 'old kubelet\n');
    return { dir, path };
  };
  const action = (path: string, url = `${served.url}/sha256/${sha(bin)}`) => ({ a: 'upload' as const, from: cached, path, sha256: sha(bin), url, mode: 0o755 });

  for (const [os, fetchers] of [
    ['RHEL (curl-minimal, no wget)', ['curl']],
    ['Debian without curl (wget)', ['wget']],
  ] as const) {
    it(`${os}: fetched over HTTP, verified, 0755, renamed over the old file, no temp left`, async () => {
      const { dir, path } = target(fetchers[0]);
      const r = await run(renderUrlFetch(action(path), 's1'), pathWith(fetchers[0], fetchers));
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(readFileSync(path), bin);
      assert.equal(statSync(path).mode & 0o7777, 0o755);
      assert.deepEqual(leftovers(dir), []);
    });
  }

  it('a corrupted byte on the way is refused on the host: exit 1, the old file kept, the temp removed', async () => {
    const { dir, path } = target('corrupt');
    const bad = Buffer.from(bin);
    bad[100] = bad[100]! ^ 1;
    const evil = join(d, 'evil');
    writeFileSync(evil, bad);
    // The server sends what its cache now holds: a cache entry changed after it was verified.
    served.mirror.offer!([{ localPath: evil, sha256: sha('some digest') }]);
    const r = await run(renderUrlFetch(action(path, `${served.url}/sha256/${sha('some digest')}`), 's2'), pathWith('corrupt', ['curl']));
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`sha256 mismatch for http://127\\.0\\.0\\.1:\\d+/sha256/${sha('some digest')}: expected ${sha(bin)}, got ${sha(bad)}`));
    assert.equal(readFileSync(path, 'utf8'), 'old kubelet\n');
    assert.deepEqual(leftovers(dir), []);
  });

  it('unreachable, not served, or no fetcher: exit UNREACHABLE (the driver falls back), the old file kept', async () => {
    const { dir, path } = target('down');
    const curl = pathWith('down', ['curl']);
    for (const [url, p] of [
      ['http://127.0.0.1:9/sha256/x', curl],
      [`${served.url}/sha256/${'0'.repeat(64)}`, curl],
      [`${served.url}/sha256/${sha(bin)}`, pathWith('none', [])],
    ] as const) {
      const r = await run(renderUrlFetch(action(path, url), 's3'), p);
      assert.equal(r.status, UNREACHABLE, `${url}: ${r.stderr}`);
      assert.equal(readFileSync(path, 'utf8'), 'old kubelet\n');
    }
    assert.deepEqual(leftovers(dir), []);
  });

  it('the server sends only files of this run, by digest, read-only', async () => {
    const get = (path: string, method = 'GET') => fetch(`${served.url}${path}`, { method });
    assert.equal((await get(`/sha256/${sha(bin)}`)).status, 200);
    assert.equal(Number((await get(`/sha256/${sha(bin)}`, 'HEAD')).headers.get('content-length')), bin.length);
    for (const p of [`/sha256/${'a'.repeat(64)}`, `/sha256/${sha(bin)}/`, '/', `/${cached}`, `/sha256/../${sha(bin)}`])
      assert.equal((await get(p)).status, 404, p);
    assert.equal((await get(`/sha256/${sha(bin)}`, 'PUT')).status, 405);
  });

  it('each server sends only what was offered to it, not what another run offered its own', async () => {
    const other = await serveArtifacts('127.0.0.1:0');
    try {
      assert.equal((await fetch(`${other.url}/sha256/${sha(bin)}`)).status, 404);
      other.mirror.offer!([{ localPath: cached, sha256: sha(bin) }]);
      assert.equal((await fetch(`${other.url}/sha256/${sha(bin)}`)).status, 200);
      assert.equal(other.mirror.base, other.url);
    } finally {
      await other.close();
    }
  });

  it('refuses a wildcard or malformed listen address, naming the flag', () => {
    for (const s of ['0.0.0.0:8088', '[::]:8088', '10.231.0.1', 'example.com:80', '10.231.0.1:99999'])
      assert.throws(() => parseListen(s, '--serve-artifacts'), /^ConfigError: --serve-artifacts: /, s);
    assert.deepEqual(parseListen('10.231.0.1:8088', 'x'), { host: '10.231.0.1', port: 8088 });
  });

  it('the shell driver: with a mirror no bytes go through the connection; without one it falls back to put and says so', async () => {
    const src = join(d, 'kubelet-src');
    writeFileSync(src, bin);
    const url = pathToFileURL(src).href;
    const dest = join(d, 'driver');
    const notes: string[] = [];
    onMirrorFallback((t) => notes.push(t));
    const conn = new ChildConnection();
    const r = artifact({ url, sha256: sha(bin), path: `${dest}/kubelet`, cacheDir: join(d, 'tsplay-cache') });
    const { applied, second } = await converge(shellDriver(conn), [r], { ...prepareContext(), mirror: served.mirror });
    assert.equal(applied.failure, undefined, applied.failure?.stderr);
    assert.deepEqual(readFileSync(`${dest}/kubelet`), bin);
    assert.deepEqual(changedIds(second), []);
    assert.ok(!conn.commands.some((c) => c.startsWith('put ')), conn.commands.join('\n'));
    assert.equal(notes.length, 0);

    rmSync(`${dest}/kubelet`);
    const conn2 = new ChildConnection();
    const again = await converge(shellDriver(conn2), [artifact({ url, sha256: sha(bin), path: `${dest}/kubelet`, cacheDir: join(d, 'tsplay-cache') })], {
      ...prepareContext(),
      mirror: { base: 'http://127.0.0.1:9' },
    });
    assert.equal(again.applied.failure, undefined, again.applied.failure?.stderr);
    assert.deepEqual(readFileSync(`${dest}/kubelet`), bin);
    assert.ok(conn2.commands.includes(`put ${dest}/kubelet`));
    assert.equal(notes.length, 1);
    assert.match(
      notes[0]!,
      new RegExp(`^localhost: could not fetch ${dest}/kubelet from the artifact mirror \\(curl: \\(7\\) .*\\); sent it over SSH instead$`),
    );
    assert.ok(existsSync(`${dest}/kubelet`));
  });
});
