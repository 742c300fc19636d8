import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { pkg } from '../../lib/resources/index.js';
import { changedIds, changesById, converge, FakeHost } from '../../lib/testing/index.js';

describe('pkg', () => {
  for (const [flavour, make, manager] of [
    ['debian', FakeHost.debian, 'apt'],
    ['rhel', FakeHost.rhel, 'dnf'],
  ] as const) {
    it(`${flavour}: one ${manager} action for every missing package, then converged`, async () => {
      const h = make().offer('haproxy', { version: '2.6.12' }).offer('keepalived').offer('curl');
      h.installed.set('curl', '7.88');
      const r = pkg({ names: ['haproxy', 'keepalived', 'curl'] });
      const { first, second } = await converge(h, [r]);
      assert.deepEqual(changesById(first), {
        'package:haproxy,keepalived,curl': [
          { field: 'haproxy', before: 'absent', after: 'present' },
          { field: 'keepalived', before: 'absent', after: 'present' },
        ],
      });
      assert.deepEqual(h.log, [{ a: 'package', state: 'present', names: ['haproxy', 'keepalived'], manager }]);
      assert.equal(h.installed.get('haproxy'), '2.6.12');
      assert.deepEqual(changedIds(second), []);
    });
  }

  for (const [flavour, make] of [
    ['debian', FakeHost.debian],
    ['rhel', FakeHost.rhel],
  ] as const) {
    it(`${flavour}: a pinned version is installed exactly, moved to (up or down) when another is installed, then left`, async () => {
      const h = make()
        .offer('containerd.io', { version: '1.7.28-1', versions: ['1.7.27-1'] })
        .offer('runc');
      const r = pkg({ names: ['containerd.io', 'runc'], versions: { 'containerd.io': '1.7.27-1' } });
      const { first, second } = await converge(h, [r]);
      assert.deepEqual(changesById(first)['package:containerd.io,runc'], [
        { field: 'containerd.io', before: 'absent', after: '1.7.27-1' },
        { field: 'runc', before: 'absent', after: 'present' },
      ]);
      assert.deepEqual((h.log[0] as { versions?: unknown }).versions, { 'containerd.io': '1.7.27-1' });
      assert.equal(h.installed.get('containerd.io'), '1.7.27-1');
      assert.deepEqual(changedIds(second), []);
      h.installed.set('containerd.io', '1.7.28-1');
      const { first: drifted } = await converge(h, [r]);
      assert.deepEqual(changesById(drifted)['package:containerd.io,runc'], [{ field: 'containerd.io', before: '1.7.28-1', after: '1.7.27-1' }]);
      assert.equal(h.installed.get('containerd.io'), '1.7.27-1');
    });
  }

  it('a pin no repository has fails the way the package manager says it', async () => {
    const h = FakeHost.debian().offer('containerd.io', { version: '1.7.28-1' });
    const { applied } = await converge(h, [pkg({ names: ['containerd.io'], versions: { 'containerd.io': '9.9.9-1' } })]);
    assert.match(applied.failure?.stderr ?? '', /E: Version '9\.9\.9-1' for 'containerd\.io' was not found/);
  });

  it('refuses a pin for a name it does not install, a version that could be an option, and pins on absent', () => {
    assert.throws(() => pkg({ names: ['runc'], versions: { containerd: '1.0' } }), /versions names "containerd", which is not among the names \(runc\)/);
    assert.throws(() => pkg({ names: ['runc'], versions: { runc: '--allow-unauthenticated' } }), /invalid version "--allow-unauthenticated" for runc/);
    assert.throws(() => pkg({ names: ['runc'], versions: { runc: '1.0 x' } }), /invalid version/);
    assert.throws(() => pkg({ names: ['runc'], state: 'absent', versions: { runc: '1.0' } }), /versions are for present packages/);
  });

  it('yum hosts get yum', async () => {
    const h = new FakeHost('c7', { ...FakeHost.rhel().facts, packageManager: 'yum' });
    h.offer('tar');
    await converge(h, [pkg({ names: ['tar'] })]);
    assert.deepEqual(h.log, [{ a: 'package', state: 'present', names: ['tar'], manager: 'yum' }]);
  });

  it('absent removes only what is installed', async () => {
    const h = FakeHost.debian();
    h.installed.set('nano', '7.2');
    const { first, second } = await converge(h, [pkg({ names: ['nano', 'vim'], state: 'absent' })]);
    assert.deepEqual(changesById(first), { 'package:nano,vim': [{ field: 'nano', before: '7.2', after: 'absent' }] });
    assert.deepEqual(changedIds(second), []);
  });

  it('an unknown package fails like apt does', async () => {
    const { applied } = await converge(FakeHost.debian(), [pkg({ names: ['no-such-thing'] })]);
    assert.match(applied.failure?.stderr ?? '', /Unable to locate package no-such-thing/);
    assert.equal(applied.failure?.exitCode, 100);
  });

  it('a host without a known package manager fails the check with a clear message', async () => {
    const h = new FakeHost('odd', { ...FakeHost.debian().facts, packageManager: 'unknown' });
    const { first } = await converge(h, [pkg({ names: ['x'] })]);
    assert.match(first.planned[0]?.error ?? '', /no supported package manager/);
  });

  it('a package can bring files, e.g. its unit', async () => {
    const h = FakeHost.debian().offer('etcd-server', {
      version: '3.4.23',
      files: { '/lib/systemd/system/etcd.service': '[Service]\nExecStart=/usr/bin/etcd\n[Install]\nWantedBy=multi-user.target\n' },
    });
    await converge(h, [pkg({ names: ['etcd-server'] })]);
    assert.match(h.read('/lib/systemd/system/etcd.service') ?? '', /ExecStart/);
  });

  it('keys and validation', () => {
    assert.deepEqual(pkg({ names: ['a', 'b'] }).writes, ['pkg:a', 'pkg:b']);
    assert.throws(() => pkg({ names: [] }), /must not be empty/);
    assert.throws(() => pkg({ names: ['a;rm'] }), /invalid package name/);
  });
});

describe('pkg: names per OS family', () => {
  it('each family installs its own names; one query asks about all of them', async () => {
    const names = { debian: ['conntrack'], redhat: ['conntrack-tools'] };
    const deb = FakeHost.debian().offer('conntrack');
    const rhel = FakeHost.rhel().offer('conntrack-tools');
    for (const h of [deb, rhel]) {
      const { first, second } = await converge(h, [pkg({ names })]);
      assert.deepEqual(
        first.planned[0]!.resource.queries.map((t: { query: unknown }) => t.query),
        [{ q: 'packages', names: ['conntrack', 'conntrack-tools'] }],
      );
      assert.deepEqual(changedIds(second), []);
    }
    assert.deepEqual(
      [...deb.installed.keys()].filter((n) => n.startsWith('conntrack')),
      ['conntrack'],
    );
    assert.deepEqual(
      [...rhel.installed.keys()].filter((n) => n.startsWith('conntrack')),
      ['conntrack-tools'],
    );
  });

  it('a family with no list has nothing to do; an unknown family is an error', async () => {
    const { first } = await converge(FakeHost.rhel(), [pkg({ names: { debian: ['apt-transport-https'] } })]);
    assert.deepEqual(changedIds(first), []);
    const h = FakeHost.debian();
    h.facts = { ...h.facts, os: { family: 'unknown', id: 'alpine', version: '3.19' } };
    const p = await converge(h, [pkg({ names: { debian: ['x'] } })]);
    assert.match(p.first.planned[0]!.error!, /no package names for OS "alpine"/);
  });
});
