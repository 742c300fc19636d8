/** reset: every cluster service stopped and disabled, its files gone; then nothing left to do. */
import assert from 'node:assert/strict';
import { changedIds, converge, FakeHost } from '../../lib/testing/index.js';
import reset from '../../roles/reset/index.js';
import { probeCommand } from '../../roles/reset/static-pods.js';
import { forHost } from './helpers.js';

describe('roles/reset', () => {
  for (const make of [FakeHost.debian, FakeHost.rhel]) {
    it(`${make.name}: stops and disables the services, removes units, config and state, then has nothing to do`, async () => {
      const h = make('master-1');
      h.seedUnit('etcd.service', '[Service]\nExecStart=/usr/bin/etcd\n', { enabled: true, active: true });
      h.seedUnit('kubelet.service', '[Service]\nExecStart=/usr/local/bin/kubelet\n', { enabled: true, active: true });
      // A systemd-mode host: no manifests, no static pod (reset-static-pods.test.ts has those).
      h.script(probeCommand('/etc/kubernetes/manifests'), { exitCode: 0, stdout: 'dir /etc/kubernetes/manifests\nkubelet active\n' });
      h.seedFile('/etc/kubernetes/pki/ca.key', 'KEY').seedFile('/var/lib/etcd/member/snap/db', 'data');
      const { first, second } = await converge(h, forHost(reset, 'master-1').resources);
      assert.ok(changedIds(first).includes('service:etcd.service') && changedIds(first).includes('absent:/var/lib/etcd'));
      assert.deepEqual(changedIds(second), []);
      assert.deepEqual(
        [h.service('etcd.service'), h.service('kubelet.service')],
        [
          { enabled: false, active: false },
          { enabled: false, active: false },
        ],
      );
      assert.equal(h.read('/etc/systemd/system/etcd.service'), undefined);
      assert.equal(h.read('/etc/kubernetes/pki/ca.key'), undefined);
    });
  }

  it('refuses to remove a system directory, naming the field', () => {
    assert.throws(
      () => forHost(reset, 'master-1', { overrides: { reset_paths: ['/etc/kubernetes', '/var/lib'] } }),
      /var reset_paths\.1: refusing to remove a system directory/,
    );
  });
});
