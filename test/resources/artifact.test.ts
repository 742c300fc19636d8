import assert from 'node:assert/strict';
import { changeLabel } from '../../lib/core/resource.js';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'mocha';
import { prepareArtifact } from '../../lib/artifacts/cache.js';
import { artifact } from '../../lib/resources/index.js';
import { changedIds, changesById, converge, FakeHost, prepareContext } from '../../lib/testing/index.js';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

describe('artifact', () => {
  let dir: string;
  let cacheDir: string;
  let binUrl: string;
  let tarUrl: string;
  const bin = '#!/bin/sh\necho etcd 3.4\n';
  const ctl = '#!/bin/sh\necho etcdctl\n';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-artifact-'));
    cacheDir = join(dir, 'cache');
    writeFileSync(join(dir, 'etcd'), bin);
    mkdirSync(join(dir, 'src', 'etcd-v3.4.0-linux-amd64'), { recursive: true });
    writeFileSync(join(dir, 'src', 'etcd-v3.4.0-linux-amd64', 'etcd'), bin);
    writeFileSync(join(dir, 'src', 'etcd-v3.4.0-linux-amd64', 'etcdctl'), ctl);
    writeFileSync(join(dir, 'src', 'etcd-v3.4.0-linux-amd64', 'README.md'), 'docs');
    execFileSync('tar', ['-czf', join(dir, 'etcd.tar.gz'), '-C', join(dir, 'src'), 'etcd-v3.4.0-linux-amd64']);
    binUrl = pathToFileURL(join(dir, 'etcd')).href;
    tarUrl = pathToFileURL(join(dir, 'etcd.tar.gz')).href;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a single file: fetched once into the cache, uploaded, then converged', async () => {
    const h = FakeHost.debian();
    const r = artifact({ url: binUrl, sha256: sha(bin), path: '/usr/local/bin/etcd', cacheDir });
    const { first, applied, second } = await converge(h, [r]);
    assert.deepEqual(changesById(first), {
      'artifact:/usr/local/bin/etcd': [
        { part: '/usr/local/bin/etcd', field: 'sha256', before: 'absent', after: sha(bin) },
        { part: '/usr/local/bin/etcd', field: 'mode', after: '0755' },
      ],
    });
    assert.equal(applied.failure, undefined);
    assert.equal(h.read('/usr/local/bin/etcd'), bin);
    assert.equal(h.fs.get('/usr/local/bin/etcd')?.mode, 0o755);
    assert.ok(existsSync(join(cacheDir, sha(bin), 'etcd')));
    assert.deepEqual(changedIds(second), []);
    assert.equal(h.roundTrips, 4, 'query, act, upload, query');
  });

  it('an archive: chosen files extracted on the controller; only files that differ travel', async () => {
    const h = FakeHost.debian().seedFile('/opt/etcd/bin/etcd', bin, { mode: 0o755 });
    const r = artifact({
      url: tarUrl,
      sha256: sha(readFileSync(join(dir, 'etcd.tar.gz'))),
      extract: { files: ['etcd-v3.4.0-linux-amd64/etcd', 'etcd-v3.4.0-linux-amd64/etcdctl'], dest: '/opt/etcd/bin' },
      cacheDir,
    });
    const { first, second } = await converge(h, [r]);
    assert.deepEqual(Object.values(changesById(first)).flat().map(changeLabel), ['/opt/etcd/bin/etcdctl sha256', '/opt/etcd/bin/etcdctl mode']);
    assert.deepEqual(
      h.log.map((a) => a.a),
      ['upload'],
    );
    assert.equal(h.read('/opt/etcd/bin/etcdctl'), ctl);
    assert.equal(h.read('/opt/etcd/bin/README.md'), undefined);
    assert.deepEqual(changedIds(second), []);
  });

  it('creates the destination directory when missing', async () => {
    const h = FakeHost.debian();
    const { applied } = await converge(h, [artifact({ url: binUrl, sha256: sha(bin), path: '/opt/cni/bin/etcd', cacheDir })]);
    assert.equal(applied.failure, undefined);
    assert.deepEqual(
      h.log.map((a) => a.a),
      ['mkdir', 'upload'],
    );
  });

  it('a sha256 mismatch is a clear error and leaves nothing in the cache', async () => {
    const wrong = 'a'.repeat(64);
    const r = artifact({ url: binUrl, sha256: wrong, path: '/usr/local/bin/x', cacheDir });
    await assert.rejects(r.prepare!(prepareContext()), /sha256 mismatch: expected a{64}, got [0-9a-f]{64}/);
    assert.deepEqual(existsSync(join(cacheDir, wrong)) ? readdirSync(join(cacheDir, wrong)) : [], []);
  });

  it('a pre-filled cache works without the source (air-gapped)', async () => {
    const content = 'prefilled';
    mkdirSync(join(cacheDir, sha(content)), { recursive: true });
    writeFileSync(join(cacheDir, sha(content), 'tool'), content);
    const r = artifact({ url: 'https://example.invalid/tool', sha256: sha(content), path: '/usr/local/bin/tool', cacheDir });
    const { applied } = await converge(FakeHost.debian(), [r]);
    assert.equal(applied.failure, undefined);
  });

  it('a sha512 (what Kubernetes publishes) verifies the download; hosts still compare by sha256', async () => {
    const sha512 = createHash('sha512')
      .update(readFileSync(join(dir, 'etcd.tar.gz')))
      .digest('hex');
    const r = artifact({ url: tarUrl, sha512, extract: { files: ['etcd-v3.4.0-linux-amd64/etcdctl'], dest: '/usr/local/bin' }, cacheDir });
    const { first, second } = await converge(FakeHost.debian(), [r]);
    assert.equal(changesById(first)['artifact:/usr/local/bin/etcdctl']![0]!.after, sha(ctl));
    assert.deepEqual(changedIds(second), []);
    const bad = artifact({ url: binUrl, sha512: 'c'.repeat(128), path: '/usr/local/bin/y', cacheDir });
    await assert.rejects(bad.prepare!(prepareContext()), /sha512 mismatch: expected c{128}/);
    const single = artifact({ url: binUrl, sha512: createHash('sha512').update(bin).digest('hex'), path: '/usr/local/bin/etcd', cacheDir });
    const { first: f } = await converge(FakeHost.debian(), [single]);
    assert.equal(changesById(f)['artifact:/usr/local/bin/etcd']![0]!.after, sha(bin));
  });

  it("the controller cache keeps what it extracted and verified: a later run needs neither tar nor the archive's hash", async () => {
    const cache = join(dir, 'cache-kept');
    const source = join(dir, 'kept.tar.gz');
    writeFileSync(source, readFileSync(join(dir, 'etcd.tar.gz')));
    const url = pathToFileURL(source).href;
    const sum = { algorithm: 'sha256', hex: sha(readFileSync(source)) } as const;
    const members = ['etcd-v3.4.0-linux-amd64/etcd', 'etcd-v3.4.0-linux-amd64/etcdctl'];
    const first = await prepareArtifact(url, sum, members, cache);
    assert.deepEqual(
      first.map((f) => f.sha256),
      [sha(bin), sha(ctl)],
    );
    // Spoil the cached archive and take its source away: were it hashed or extracted again, this would fail
    // (another member order: another in-process entry, as a new run would be).
    const archive = join(cache, sum.hex, 'kept.tar.gz');
    writeFileSync(archive, 'not an archive');
    rmSync(source);
    const again = await prepareArtifact(url, sum, [...members].reverse(), cache);
    assert.deepEqual(
      again.map((f) => [f.member, f.sha256]),
      [
        [members[1], sha(ctl)],
        [members[0], sha(bin)],
      ],
    );
    // A member changed in the cache is extracted again, from a verified archive (the spoiled one is fetched anew).
    writeFileSync(source, readFileSync(join(dir, 'etcd.tar.gz')));
    writeFileSync(join(cache, sum.hex, 'kept.tar.gz.d', members[0]!), 'tampered, longer than before');
    const repaired = await prepareArtifact(url, sum, [members[0]!], cache);
    assert.equal(readFileSync(repaired[0]!.localPath, 'utf8'), bin);
    assert.deepEqual(
      readdirSync(join(cache, sum.hex, 'kept.tar.gz.d')).filter((f) => f.startsWith('.x-')),
      [],
      'no scratch dir left',
    );
  });

  it('exactly one checksum', () => {
    assert.throws(() => artifact({ url: binUrl, path: '/x', cacheDir }), /exactly one of sha256 or sha512/);
    assert.throws(() => artifact({ url: binUrl, sha256: sha(bin), sha512: 'd'.repeat(128), path: '/x', cacheDir }), /exactly one/);
  });

  it('check before prepare says what is missing', () => {
    const r = artifact({ url: binUrl, sha256: sha(bin), path: '/usr/local/bin/etcd', cacheDir });
    assert.throws(() => r.check([{ exists: true, type: 'directory' }, { exists: false }], FakeHost.debian().facts), /was not prepared/);
  });

  it('rejects unsupported schemes and bad hashes', async () => {
    await assert.rejects(
      artifact({ url: 'ftp://x/y', sha256: 'b'.repeat(64), path: '/x', cacheDir }).prepare!(prepareContext()),
      /unsupported URL scheme ftp:/,
    );
    await assert.rejects(artifact({ url: binUrl, sha256: 'XYZ', path: '/x', cacheDir }).prepare!(prepareContext()), /sha256 must be 64 lowercase hex/);
    await assert.rejects(
      artifact({ url: binUrl, sha512: 'f'.repeat(64), path: '/x', cacheDir }).prepare!(prepareContext()),
      /sha512 must be 128 lowercase hex/,
    );
  });
});
