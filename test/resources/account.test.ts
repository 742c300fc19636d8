import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { directory, group, user } from '../../lib/resources/index.js';
import { changedIds, changesById, converge, FakeHost } from '../../lib/testing/index.js';

describe('user and group', () => {
  it('fresh host: group, then a system user in it, then a dir it owns; converged after', async () => {
    const h = FakeHost.debian();
    const rs = [
      group({ name: 'docker', system: true }),
      user({ name: 'etcd', system: true, home: '/var/lib/etcd', shell: '/usr/sbin/nologin', groups: ['docker'] }),
      directory({ path: '/var/lib/etcd', owner: 'etcd', group: 'etcd', mode: 0o700 }),
    ];
    const { first, applied, second } = await converge(h, rs);
    assert.deepEqual(changesById(first)['user:etcd'], [
      { field: 'state', before: 'absent', after: 'present' },
      { field: 'home', after: '/var/lib/etcd' },
      { field: 'shell', after: '/usr/sbin/nologin' },
      { field: 'groups', before: '', after: 'docker' },
    ]);
    assert.deepEqual(first.planned[1]?.dependsOn, ['group:docker']);
    assert.deepEqual(first.planned[2]?.dependsOn, ['user:etcd']);
    assert.equal(applied.failure, undefined);
    assert.ok(h.users.get('etcd')!.uid < 1000);
    assert.deepEqual(changedIds(second), []);
  });

  it('adds a missing supplementary group without dropping others', async () => {
    const h = FakeHost.debian();
    h.groups.set('docker', { gid: 990 });
    h.groups.set('adm', { gid: 4 });
    h.users.set('ops', { uid: 1000, gid: 1000, home: '/home/ops', shell: '/bin/bash', groups: ['adm'] });
    h.groups.set('ops', { gid: 1000 });
    const { first, second } = await converge(h, [user({ name: 'ops', groups: ['docker'] })]);
    assert.deepEqual(changesById(first)['user:ops'], [{ field: 'groups', before: 'ops,adm', after: 'ops,adm,docker' }]);
    assert.deepEqual(h.users.get('ops')!.groups, ['adm', 'docker']);
    assert.deepEqual(changedIds(second), []);
  });

  it('absent user and group', async () => {
    const h = FakeHost.debian();
    h.groups.set('old', { gid: 3000 });
    h.users.set('old', { uid: 3000, gid: 3000, home: '/', shell: '/bin/sh', groups: [] });
    const { first, second } = await converge(h, [user({ name: 'old', state: 'absent' }), group({ name: 'old', state: 'absent' })]);
    assert.deepEqual(changedIds(first), ['user:old', 'group:old']);
    assert.deepEqual(changedIds(second), []);
  });

  it('a group that does not exist fails useradd like the real one', async () => {
    const { applied } = await converge(FakeHost.debian(), [user({ name: 'x', groups: ['nope'] })]);
    assert.match(applied.failure?.stderr ?? '', /group 'nope' does not exist/);
  });

  it('rejects invalid names', () => {
    assert.throws(() => user({ name: 'Bad Name' }), /invalid name/);
    assert.throws(() => group({ name: '-x' }), /invalid name/);
  });

  it('refuses a home or shell that would corrupt /etc/passwd or is not absolute (#16)', () => {
    assert.throws(() => user({ name: 'u', home: '/srv/a:b' }), /user u home: must not contain ":"/);
    assert.throws(() => user({ name: 'u', shell: 'bash' }), /user u shell: path must be absolute/);
    assert.throws(() => user({ name: 'u', home: '/srv/a\nb' }), /control characters/);
  });
});
