import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'mocha';
import { ConfigError } from '../../lib/core/errors.js';
import { changedIds, converge, FakeHost } from '../../lib/testing/index.js';
import { installBinaries } from '../../roles/cluster/artifacts-install.js';
import { ARCHES, artifactOverridesSchema, COMPONENTS, membersOf, resolveArtifact, TABLE, type TableEntry } from '../../roles/cluster/artifacts.js';
import { pluginsOf } from '../../roles/flannel/cni-gate.js';
import { conflist } from '../../roles/flannel/config.js';

const digest = (algo: 'sha256' | 'sha512', b: Buffer | string) => createHash(algo).update(b).digest('hex');

describe('roles/cluster/artifacts: the table', () => {
  it('every entry has a well-formed checksum of its stated kind, an https URL and files to take', () => {
    for (const c of COMPONENTS) {
      // A row without a published digest resolves only with one given (flannel-cni, see its own test).
      const amd = resolveArtifact(c, 'amd64', (TABLE[c] as TableEntry).checksums.amd64 ? {} : { [c]: { sha256: 'a'.repeat(64) } });
      assert.match(amd.url, /^https:\/\/(dl\.k8s\.io|github\.com)\//, c);
      assert.ok(Object.keys(amd.files).length > 0, c);
      for (const arch of ARCHES) {
        const sum = TABLE[c].checksums[arch as keyof (typeof TABLE)[typeof c]['checksums']] as { sha256?: string; sha512?: string } | undefined;
        if (!sum) continue;
        assert.ok((sum.sha256 === undefined) !== (sum.sha512 === undefined), `${c}/${arch}: one kind`);
        if (sum.sha256) assert.match(sum.sha256, /^[0-9a-f]{64}$/, `${c}/${arch}`);
        if (sum.sha512) assert.match(sum.sha512, /^[0-9a-f]{128}$/, `${c}/${arch}`);
      }
    }
  });

  it('kubernetes: the server tarball with its published sha512, the binaries under kubernetes/server/bin', () => {
    const k = resolveArtifact('kubernetes', 'amd64');
    assert.equal(k.url, 'https://dl.k8s.io/v1.34.7/kubernetes-server-linux-amd64.tar.gz');
    assert.ok('sha512' in k.checksum && k.checksum.sha512?.startsWith('baaf8dd4'));
    assert.deepEqual(membersOf(k, ['kube-apiserver', 'kubelet']), ['kubernetes/server/bin/kube-apiserver', 'kubernetes/server/bin/kubelet']);
    assert.equal(
      resolveArtifact('cni-plugins', 'arm64').url,
      'https://github.com/containernetworking/plugins/releases/download/v1.8.0/cni-plugins-linux-arm64-v1.8.0.tgz',
    );
    assert.deepEqual(resolveArtifact('flannel', 'amd64').files, { flanneld: '' });
  });

  it('flannel-cni: the flannel-io/cni-plugin release tarball; no published digest was found, so a run is refused until one is given', () => {
    const sum = { 'flannel-cni': { sha256: 'c'.repeat(64) } };
    const f = resolveArtifact('flannel-cni', 'arm64', sum);
    assert.equal(f.url, 'https://github.com/flannel-io/cni-plugin/releases/download/v1.9.1-flannel1/cni-plugin-flannel-linux-arm64-v1.9.1.tgz');
    assert.deepEqual(membersOf(f, ['flannel']), ['./flannel-arm64']);
    assert.throws(
      () => resolveArtifact('flannel-cni', 'amd64'),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.includes('vars.k8s_artifacts.flannel-cni') &&
        e.message.includes('cni-plugin-flannel-linux-amd64-v1.9.1.tgz.sha256'),
    );
  });

  it('cni-plugins: the release ships every plugin the flannel conflist needs, and loopback', () => {
    const shipped = Object.keys(resolveArtifact('cni-plugins', 'amd64').files);
    const needed = pluginsOf(conflist()).filter((p) => p !== 'flannel');
    assert.deepEqual(needed.sort(), ['bridge', 'host-local', 'portmap']);
    for (const p of [...needed, 'loopback']) assert.ok(shipped.includes(p), p);
  });

  it('overrides: a mirror URL needs its checksum; a version bump too; a checksum alone is taken', () => {
    const err = (f: () => unknown, re: RegExp, field: string) =>
      assert.throws(f, (e: unknown) => e instanceof ConfigError && re.test(e.message) && e.message.includes(field));
    err(
      () => resolveArtifact('kubernetes', 'amd64', { kubernetes: { url: 'https://mirror.example/k.tgz' } }),
      /changed url needs its checksum/,
      'k8s_artifacts.kubernetes',
    );
    err(
      () => resolveArtifact('cri-dockerd', 'amd64', { 'cri-dockerd': { version: '0.3.99' } }),
      /changed version needs its checksum/,
      'k8s_artifacts.cri-dockerd',
    );
    const m = resolveArtifact('kubernetes', 'amd64', { kubernetes: { url: 'file:///srv/mirror/k.tgz', sha256: 'a'.repeat(64) } });
    assert.deepEqual([m.url, m.checksum, m.version], ['file:///srv/mirror/k.tgz', { sha256: 'a'.repeat(64) }, '1.34.7']);
    const v = resolveArtifact('cni-plugins', 'amd64', { 'cni-plugins': { version: '1.7.1', sha256: 'b'.repeat(64) } });
    assert.equal(v.url, 'https://github.com/containernetworking/plugins/releases/download/v1.7.1/cni-plugins-linux-amd64-v1.7.1.tgz');
    err(() => membersOf(v, ['bridgex']), /cni-plugins has no file "bridgex"/, 'k8s_artifacts.cni-plugins.files');
  });

  it('the k8s_artifacts schema refuses unknown components, bad digests and both kinds at once', () => {
    const bad = (v: unknown) => artifactOverridesSchema.safeParse(v).success;
    assert.equal(bad({ kubernets: {} }), false);
    assert.equal(bad({ kubernetes: { sha256: 'XYZ' } }), false);
    assert.equal(bad({ kubernetes: { sha256: 'a'.repeat(64), sha512: 'b'.repeat(128) } }), false);
    assert.equal(bad({ kubernetes: { url: 'ftp://x/y' } }), false);
    assert.equal(bad({ kubernetes: { url: 'file:///x.tgz', sha512: 'b'.repeat(128) }, flannel: {} }), true);
  });
});

describe('roles/cluster/artifacts: installBinaries from a file:// stand-in', () => {
  let dir: string;
  let tgz: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-k8s-artifacts-'));
    mkdirSync(join(dir, 'src', 'kubernetes', 'server', 'bin'), { recursive: true });
    for (const b of ['kube-apiserver', 'kube-scheduler']) writeFileSync(join(dir, 'src', 'kubernetes', 'server', 'bin', b), `#!/bin/sh\necho ${b}\n`);
    tgz = join(dir, 'kubernetes-server-linux-amd64.tar.gz');
    execFileSync('tar', ['-czf', tgz, '-C', join(dir, 'src'), 'kubernetes']);
    writeFileSync(join(dir, 'flanneld'), '#!/bin/sh\necho flanneld\n');
    mkdirSync(join(dir, 'cni'));
    writeFileSync(join(dir, 'cni', 'flannel-amd64'), '#!/bin/sh\necho flannel cni\n');
    execFileSync('tar', ['-czf', join(dir, 'flannel-cni.tgz'), '-C', join(dir, 'cni'), './flannel-amd64']);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('extracts the chosen binaries (sha512-verified archive) and converges', async () => {
    const a = resolveArtifact('kubernetes', 'amd64', { kubernetes: { url: pathToFileURL(tgz).href, sha512: digest('sha512', readFileSync(tgz)) } });
    const h = FakeHost.debian();
    const { first, applied, second } = await converge(h, [
      installBinaries(a, ['kube-apiserver', 'kube-scheduler'], '/usr/local/bin', { cacheDir: join(dir, 'cache') }),
    ]);
    assert.deepEqual(changedIds(first), ['artifact:/usr/local/bin/kube-apiserver,/usr/local/bin/kube-scheduler']);
    assert.equal(applied.failure, undefined);
    assert.equal(h.read('/usr/local/bin/kube-apiserver'), '#!/bin/sh\necho kube-apiserver\n');
    assert.equal(h.fs.get('/usr/local/bin/kube-scheduler')?.mode, 0o755);
    assert.deepEqual(changedIds(second), []);
  });

  it('a single-binary download lands under the binary name', async () => {
    const a = resolveArtifact('flannel', 'amd64', {
      flannel: { url: pathToFileURL(join(dir, 'flanneld')).href, sha256: digest('sha256', readFileSync(join(dir, 'flanneld'))) },
    });
    const h = FakeHost.rhel();
    const { applied } = await converge(h, [installBinaries(a, ['flanneld'], '/usr/local/bin/', { cacheDir: join(dir, 'cache') })]);
    assert.equal(applied.failure, undefined);
    assert.equal(h.read('/usr/local/bin/flanneld'), '#!/bin/sh\necho flanneld\n');
  });

  it('an archive member lands under the binary name asked for (./flannel-amd64 -> flannel), and converges', async () => {
    const tgz2 = join(dir, 'flannel-cni.tgz');
    const a = resolveArtifact('flannel-cni', 'amd64', { 'flannel-cni': { url: pathToFileURL(tgz2).href, sha256: digest('sha256', readFileSync(tgz2)) } });
    const h = FakeHost.debian();
    const { first, applied, second } = await converge(h, [installBinaries(a, ['flannel'], '/opt/cni/bin', { cacheDir: join(dir, 'cache') })]);
    assert.deepEqual(changedIds(first), ['artifact:/opt/cni/bin/flannel']);
    assert.equal(applied.failure, undefined);
    assert.equal(h.read('/opt/cni/bin/flannel'), '#!/bin/sh\necho flannel cni\n');
    assert.equal(h.read('/opt/cni/bin/flannel-amd64'), undefined);
    assert.deepEqual(changedIds(second), []);
  });

  it('a wrong checksum stops the run before any host is touched', async () => {
    const a = resolveArtifact('kubernetes', 'amd64', { kubernetes: { url: pathToFileURL(tgz).href, sha512: 'e'.repeat(128) } });
    const h = FakeHost.debian();
    await assert.rejects(converge(h, [installBinaries(a, ['kube-apiserver'], '/usr/local/bin', { cacheDir: join(dir, 'cache') })]), /sha512 mismatch/);
    assert.deepEqual(h.log, []);
  });
});
