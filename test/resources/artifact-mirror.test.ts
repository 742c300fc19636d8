/**
 * The artifact resource with a host mirror (given to prepare) on fake Debian and RHEL hosts: the host
 * fetches by digest instead of an SSH upload, check mode reports the same changes, a host that cannot
 * reach the mirror gets the file over SSH with a warning, and a wrong download replaces nothing.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { after, afterEach, before, describe, it } from 'mocha';
import { mirrorVarBase, parseMirrorBase } from '../../lib/core/artifact-mirror.js';
import { onMirrorFallback } from '../../lib/core/mirror-fallback.js';
import { artifact } from '../../lib/resources/index.js';
import { changesById, converge, FakeHost, prepareContext } from '../../lib/testing/index.js';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const MIRROR = 'http://10.231.0.1:8088';
/** The prepare context of a host whose mirror is MIRROR. */
const mirrored = () => ({ ...prepareContext(), mirror: { base: MIRROR } });

describe('artifact from a mirror (fake hosts)', () => {
  let dir: string;
  let tarUrl: string;
  const kubelet = '#!/bin/sh\necho kubelet\n';
  const proxy = '#!/bin/sh\necho kube-proxy\n';
  const resource = () =>
    artifact({
      url: tarUrl,
      sha256: sha(readFileSync(join(dir, 'k.tar.gz'))),
      extract: { files: ['bin/kubelet', 'bin/kube-proxy'], dest: '/usr/local/bin' },
      cacheDir: join(dir, 'cache'),
    });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-mirror-'));
    mkdirSync(join(dir, 'src', 'bin'), { recursive: true });
    writeFileSync(join(dir, 'src', 'bin', 'kubelet'), kubelet);
    writeFileSync(join(dir, 'src', 'bin', 'kube-proxy'), proxy);
    execFileSync('tar', ['-czf', join(dir, 'k.tar.gz'), '-C', join(dir, 'src'), 'bin']);
    tarUrl = pathToFileURL(join(dir, 'k.tar.gz')).href;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => onMirrorFallback());

  for (const make of [() => FakeHost.debian('node-deb'), () => FakeHost.rhel('node-rhel')]) {
    it(`${make().facts.os.family}: each changed binary fetched by the host from <mirror>/sha256/<hex>, no SSH upload`, async () => {
      const notes: string[] = [];
      onMirrorFallback((t) => notes.push(t));
      const h = make().seedFile('/usr/local/bin/kube-proxy', proxy, { mode: 0o755 });
      h.web.set(`${MIRROR}/sha256/${sha(kubelet)}`, Buffer.from(kubelet));
      const { first, applied, second } = await converge(h, [resource()], mirrored());
      assert.equal(applied.failure, undefined, applied.failure?.stderr);
      assert.deepEqual(
        h.log.filter((a) => a.a === 'upload').map((a) => a.a === 'upload' && [a.path, a.url]),
        [['/usr/local/bin/kubelet', `${MIRROR}/sha256/${sha(kubelet)}`]],
      );
      assert.equal(h.read('/usr/local/bin/kubelet'), kubelet);
      assert.equal(h.fs.get('/usr/local/bin/kubelet')?.mode, 0o755);
      assert.deepEqual(Object.keys(changesById(first)).length, 1);
      assert.deepEqual(changesById(second), {});
      assert.deepEqual(notes, []);
    });

    it(`${make().facts.os.family}: a host that cannot reach the mirror gets it over SSH, and the run says so`, async () => {
      const notes: string[] = [];
      onMirrorFallback((t) => notes.push(t));
      const h = make();
      const { applied } = await converge(h, [resource()], mirrored());
      assert.equal(applied.failure, undefined, applied.failure?.stderr);
      assert.equal(h.read('/usr/local/bin/kubelet'), kubelet);
      assert.equal(h.read('/usr/local/bin/kube-proxy'), proxy);
      assert.deepEqual(
        notes.map((n) => n.replace(/ \(.*\)/, '')),
        [
          `${h.facts.hostname}: could not fetch /usr/local/bin/kubelet from the artifact mirror; sent it over SSH instead`,
          `${h.facts.hostname}: could not fetch /usr/local/bin/kube-proxy from the artifact mirror; sent it over SSH instead`,
        ],
      );
    });

    it(`${make().facts.os.family}: a mirror serving other bytes fails the host and replaces nothing`, async () => {
      onMirrorFallback(() => undefined);
      const h = make().seedFile('/usr/local/bin/kubelet', 'old\n', { mode: 0o755 }).seedFile('/usr/local/bin/kube-proxy', proxy, { mode: 0o755 });
      h.web.set(`${MIRROR}/sha256/${sha(kubelet)}`, Buffer.from(kubelet.replace('kubelet', 'kubelek')));
      const { applied } = await converge(h, [resource()], mirrored());
      assert.match(
        applied.failure?.stderr ?? '',
        new RegExp(`sha256 mismatch for ${MIRROR}/sha256/${sha(kubelet)}: expected ${sha(kubelet)}, got [0-9a-f]{64}`),
      );
      assert.equal(h.read('/usr/local/bin/kubelet'), 'old\n');
    });
  }

  it('check mode reports the same changes with or without a mirror', async () => {
    const plain = await converge(FakeHost.debian(), [resource()]);
    onMirrorFallback(() => undefined);
    const viaMirror = await converge(FakeHost.debian(), [resource()], mirrored());
    assert.deepEqual(changesById(viaMirror.first), changesById(plain.first));
  });

  it('no mirror: plain SSH uploads, no URL in the action', async () => {
    const h = FakeHost.debian();
    const { applied } = await converge(h, [resource()]);
    assert.equal(applied.failure, undefined, applied.failure?.stderr);
    assert.deepEqual(
      h.log.filter((a) => a.a === 'upload').map((a) => a.a === 'upload' && a.url),
      [undefined, undefined],
    );
  });

  it('one resource object prepared for hosts with different mirrors is refused (it could send one to the wrong mirror)', async () => {
    const r = resource();
    await r.prepare!(mirrored());
    await assert.rejects(r.prepare!(prepareContext()), /the same resource object is used for hosts with different artifact mirrors/);
  });

  it('the mirror URL is checked where it is given: a flag, or the artifact_mirror var', () => {
    assert.equal(parseMirrorBase('http://10.231.0.1:8088/', '--artifact-mirror'), 'http://10.231.0.1:8088');
    for (const bad of ['ftp://x/', 'http://u:p@x/', 'http://:p@x/', 'http://x/?a=1', 'http://x/#a', 'not a url'])
      assert.throws(() => parseMirrorBase(bad, '--artifact-mirror'), /^ConfigError: --artifact-mirror: expected an http/, bad);
    assert.equal(mirrorVarBase('https://m.example/base/', 'host a'), 'https://m.example/base');
    for (const none of [undefined, false, 'false']) assert.equal(mirrorVarBase(none, 'host a'), undefined);
    for (const [bad, msg] of [
      [8088, /^ConfigError: host a: expected an http\(s\) URL, or false for none, got the number 8088$/],
      [true, /got the boolean true$/],
      [{ url: 'x' }, /got an object$/],
      ['ftp://x/', /^ConfigError: host a: expected an http/],
    ] as const)
      assert.throws(() => mirrorVarBase(bad, 'host a'), msg, String(bad));
  });
});
