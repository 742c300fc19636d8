/** Each host gets what its roles use, and nothing else (no CA key on a worker, no other node's key). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../lib/core/errors.js';
import { ensurePki, pkiFilesFor, pkiRolesOf } from '../../roles/pki/catalogue/index.js';
import { X509Certificate } from 'node:crypto';
import { smallSpec } from './fixtures.js';
import { tempDir } from './helpers.js';

describe('pki: files per host', () => {
  const t = tempDir();
  const spec = smallSpec();
  before(() => ensurePki(spec, t.dir, { mode: 'apply' }));
  after(() => t.cleanup());

  it('a worker gets the CA certificate, its own kubelet pair and kubeconfigs', async () => {
    const files = await pkiFilesFor(spec, t.dir, 'node-2');
    assert.deepEqual(files.map((f) => `${f.path} ${f.mode.toString(8)} ${f.secret}`).sort(), [
      '/etc/kubernetes/kube-proxy.conf 600 true',
      '/etc/kubernetes/kubelet.conf 600 true',
      '/etc/kubernetes/pki/ca.crt 644 false',
      '/etc/kubernetes/pki/kubelet.crt 644 false',
      '/etc/kubernetes/pki/kubelet.key 600 true',
    ]);
    assert.equal(files.find((f) => f.path.endsWith('kubelet.key'))!.content, readFileSync(join(t.dir, 'kubelets/node-2.key'), 'utf8'));
    assert.match(files.find((f) => f.path.endsWith('kubelet.conf'))!.content, /name: system:node:node-2/);
  });

  it("a master that is also an etcd member gets both sets, its own etcd pair, and no other member's", async () => {
    assert.deepEqual(pkiRolesOf(spec, 'master-2'), ['control-plane', 'etcd']);
    const files = await pkiFilesFor(spec, t.dir, 'master-2', undefined, { remoteDir: '/srv/kubernetes/' });
    const paths = files.map((f) => f.path);
    for (const p of [
      'pki/ca.key',
      'pki/sa.key',
      'pki/sa.pub',
      'pki/apiserver.crt',
      'pki/apiserver-etcd-client.key',
      'pki/front-proxy-ca.crt',
      'pki/etcd/ca.crt',
      'pki/etcd/server.key',
      'pki/etcd/peer.crt',
      'admin.conf',
      'scheduler.conf',
      'controller-manager.conf',
    ]) {
      assert.ok(paths.includes(`/srv/kubernetes/${p}`), p);
    }
    assert.equal(new Set(paths).size, paths.length);
    assert.equal(files.find((f) => f.path.endsWith('etcd/server.crt'))!.content, readFileSync(join(t.dir, 'etcd/master-2-server.crt'), 'utf8'));
    assert.ok(!paths.some((p) => /etcd\/ca\.key|front-proxy-ca\.key|pki\/kubelet\.|kubelet\.conf/.test(p)), 'no etcd or front-proxy CA key, no kubelet files');
  });

  it('roles can be narrowed, but not to one the host does not have', async () => {
    const etcdOnly = await pkiFilesFor(spec, t.dir, 'master-1', ['etcd']);
    assert.deepEqual(etcdOnly.map((f) => f.path).sort(), [
      '/etc/kubernetes/pki/etcd/ca.crt',
      '/etc/kubernetes/pki/etcd/healthcheck-client.crt',
      '/etc/kubernetes/pki/etcd/healthcheck-client.key',
      '/etc/kubernetes/pki/etcd/peer.crt',
      '/etc/kubernetes/pki/etcd/peer.key',
      '/etc/kubernetes/pki/etcd/server.crt',
      '/etc/kubernetes/pki/etcd/server.key',
    ]);
    await assert.rejects(
      pkiFilesFor(spec, t.dir, 'node-1', ['etcd']),
      (e: Error) => e instanceof ConfigError && /"node-1" is not in the etcd list/.test(e.message),
    );
  });

  it('before ensurePki has run, it says so', async () => {
    const empty = tempDir();
    try {
      await assert.rejects(pkiFilesFor(spec, empty.dir, 'node-1'), /run ensurePki in apply mode first/);
    } finally {
      empty.cleanup();
    }
  });
});

describe("pki: flannel's etcd client certificate (flannelEtcdClient, the etcd subnet manager)", () => {
  const t = tempDir();
  const spec = { ...smallSpec(), flannelEtcdClient: true };
  before(() => ensurePki(spec, t.dir, { mode: 'apply' }));
  after(() => t.cleanup());

  it('every node gets the etcd CA and a client certificate CN flannel from the etcd CA; nothing of it without the option', async () => {
    const files = await pkiFilesFor(spec, t.dir, 'node-2');
    assert.deepEqual(
      files
        .filter((f) => f.path.includes('/pki/etcd/'))
        .map((f) => `${f.path} ${f.mode.toString(8)} ${f.secret}`)
        .sort(),
      [
        '/etc/kubernetes/pki/etcd/ca.crt 644 false',
        '/etc/kubernetes/pki/etcd/flannel-client.crt 644 false',
        '/etc/kubernetes/pki/etcd/flannel-client.key 600 true',
      ],
    );
    const cert = new X509Certificate(files.find((f) => f.path.endsWith('flannel-client.crt'))!.content);
    const etcdCa = new X509Certificate(readFileSync(join(t.dir, 'etcd/ca.crt'), 'utf8'));
    assert.match(cert.subject, /^CN=flannel$/m);
    assert.ok(cert.verify(etcdCa.publicKey), 'issued by the etcd CA');
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2'], 'clientAuth only');
    const plain = tempDir();
    try {
      await ensurePki(smallSpec(), plain.dir, { mode: 'apply' });
      assert.equal(
        (await pkiFilesFor(smallSpec(), plain.dir, 'node-2')).some((f) => f.path.includes('/pki/etcd/')),
        false,
      );
    } finally {
      plain.cleanup();
    }
  });
});
