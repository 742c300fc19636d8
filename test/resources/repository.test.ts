import assert from 'node:assert/strict';
import { changeLabel } from '../../lib/core/resource.js';
import { describe, it } from 'mocha';
import { repository, type RepositoryOptions } from '../../lib/resources/index.js';
import { changedIds, changesById, converge, FakeHost } from '../../lib/testing/index.js';

/** Shaped like an exported key; the fake host does not verify signatures (the lab test does). */
const KEY = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ0test\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n';
const DOCKER: RepositoryOptions = {
  name: 'docker',
  key: KEY,
  apt: { uris: 'https://download.docker.com/linux/debian', suites: '{codename}', components: ['stable'], architectures: ['amd64'] },
  dnf: { baseurl: 'https://download.docker.com/linux/centos/$releasever/$basearch/stable', description: 'Docker CE Stable' },
};
const APT_UPDATE = 'apt-get update -q -o Dir::Etc::SourceList=/etc/apt/sources.list.d/docker.sources -o Dir::Etc::SourceParts=- -o APT::Get::List-Cleanup=0';
const MAKECACHE = "dnf makecache -y --disablerepo='*' --enablerepo=docker";

describe('repository', () => {
  it('debian: a deb822 source signed by its own key, the codename filled in, this source refreshed once; then converged', async () => {
    const h = FakeHost.debian().script(APT_UPDATE, {});
    const { first, second } = await converge(h, [repository(DOCKER)]);
    assert.deepEqual(changedIds(first), ['repository:docker']);
    assert.equal(h.read('/etc/apt/keyrings/docker.asc'), KEY);
    assert.equal(
      h.read('/etc/apt/sources.list.d/docker.sources'),
      [
        '# Managed by tsplay; edits are overwritten.',
        'Types: deb',
        'URIs: https://download.docker.com/linux/debian',
        'Suites: bookworm',
        'Components: stable',
        'Architectures: amd64',
        'Signed-By: /etc/apt/keyrings/docker.asc',
        '',
      ].join('\n'),
    );
    assert.equal(h.fs.get('/etc/apt/keyrings/docker.asc')?.mode, 0o644);
    assert.deepEqual(
      h.commands.filter((c) => c === APT_UPDATE),
      [APT_UPDATE],
    );
    assert.deepEqual(changedIds(second), []);
    assert.deepEqual(h.commands.filter((c) => c === APT_UPDATE).length, 1, 'a converged repository refreshes nothing');
  });

  it('rhel: a .repo with gpgcheck and the key in /etc/pki/rpm-gpg, dnf variables kept, makecache of this repo only', async () => {
    const h = FakeHost.rhel().script(MAKECACHE, {});
    const { first, second } = await converge(h, [repository(DOCKER)]);
    assert.deepEqual(changedIds(first), ['repository:docker']);
    assert.equal(h.read('/etc/pki/rpm-gpg/RPM-GPG-KEY-docker'), KEY);
    assert.equal(
      h.read('/etc/yum.repos.d/docker.repo'),
      [
        '# Managed by tsplay; edits are overwritten.',
        '[docker]',
        'name=Docker CE Stable',
        'baseurl=https://download.docker.com/linux/centos/$releasever/$basearch/stable',
        'enabled=1',
        'gpgcheck=1',
        'gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-docker',
        '',
      ].join('\n'),
    );
    assert.deepEqual(h.commands, [MAKECACHE]);
    assert.deepEqual(changedIds(second), []);
  });

  it('a new key alone rewrites the key and refreshes; the change names the file', async () => {
    const h = FakeHost.debian().script(APT_UPDATE, {});
    await converge(h, [repository(DOCKER)]);
    const rotated = KEY.replace('mDMEZ0test', 'mDMEZ0next');
    const { first } = await converge(h, [repository({ ...DOCKER, key: rotated })]);
    assert.deepEqual(changesById(first)['repository:docker']!.map(changeLabel), ['key content']);
    assert.equal(h.read('/etc/apt/keyrings/docker.asc'), rotated);
    assert.equal(h.commands.filter((c) => c === APT_UPDATE).length, 2);
  });

  it('a failing refresh (a bad signature, an unreachable mirror) fails the resource', async () => {
    const h = FakeHost.debian().script(APT_UPDATE, { exitCode: 100, stderr: 'E: The repository is not signed.' });
    const { applied } = await converge(h, [repository(DOCKER)]);
    assert.equal(applied.failure?.id, 'repository:docker');
    assert.match(applied.failure!.stderr, /not signed/);
  });

  it('refuses what would not be a trusted, one-line-per-field source, naming the repository', () => {
    const bad: [Partial<RepositoryOptions>, RegExp][] = [
      [{ key: '' }, /repository docker: needs its signing key .* a repository without a key is refused/],
      [{ key: 'ssh-ed25519 AAAA' }, /needs its signing key/],
      [{ apt: undefined, dnf: undefined }, /give an apt source, a dnf source, or both/],
      [{ name: '../etc' }, /repository "\.\.\/etc": the name/],
      [{ name: '-x' }, /the name/],
      [{ apt: { ...DOCKER.apt!, uris: 'https://x\nURIs: http://evil' } }, /apt.uris must be one/],
      [{ apt: { ...DOCKER.apt!, uris: 'http://mirror' + '\r' } }, /apt.uris must be one/],
      [{ apt: { ...DOCKER.apt!, suites: 'bookworm\nSigned-By: /dev/null' } }, /apt.suites must be/],
      [{ apt: { ...DOCKER.apt!, components: ['stable main'] } }, /invalid apt component/],
      [{ apt: { uris: 'file:/srv/repo', suites: './', components: ['main'] } }, /flat repository .* takes no components/],
      [{ dnf: { baseurl: 'https://x', description: 'a\ngpgcheck=0' } }, /dnf.description must be one line/],
      [{ dnf: { baseurl: 'javascript:alert(1) x' } }, /dnf.baseurl must be one/],
    ];
    for (const [o, re] of bad) assert.throws(() => repository({ ...DOCKER, ...o }), re, JSON.stringify(o));
  });

  it('a family without a source has nothing to do (as pkg without names for it); an apt suite needs a codename', async () => {
    const h = FakeHost.debian();
    const { first } = await converge(h, [repository({ ...DOCKER, apt: undefined })]);
    assert.deepEqual([changedIds(first), h.commands, h.read('/etc/apt/keyrings/docker.asc')], [[], [], undefined]);
    const noCodename = new FakeHost('d', { ...FakeHost.debian().facts, os: { family: 'debian', id: 'debian', version: 'testing' } });
    const again = await converge(noCodename, [repository(DOCKER)]);
    assert.match(again.first.planned[0]!.error!, /uses \{codename\}, but debian testing reports no VERSION_CODENAME/);
  });
});
