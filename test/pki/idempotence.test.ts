/**
 * Re-runs: nothing is issued when nothing changed, only what differs is re-issued, damage is reported
 * and left alone unless `renew` names it, and check mode never writes.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../lib/core/errors.js';
import { ensurePki, type PkiReport } from '../../roles/pki/catalogue/index.js';
import { smallSpec } from './fixtures.js';
import { snapshot, tempDir } from './helpers.js';

const changedIds = (r: PkiReport) => r.items.filter((i) => i.status !== 'reused').map((i) => `${i.id} ${i.status} ${i.reason}`);

describe('pki: re-runs', () => {
  const t = tempDir();
  before(() => ensurePki(smallSpec(), t.dir, { mode: 'apply' }));
  after(() => t.cleanup());

  it('re-running with nothing to change issues nothing and writes nothing', async () => {
    const before = snapshot(t.dir);
    const r = await ensurePki(smallSpec(), t.dir, { mode: 'apply' });
    assert.deepEqual(changedIds(r), []);
    assert.deepEqual(snapshot(t.dir), before);
  });

  it('a new apiserver SAN re-issues exactly the apiserver certificate, with its key kept', async () => {
    const key = readFileSync(join(t.dir, 'apiserver.key'), 'utf8');
    const spec = smallSpec({ apiserverExtraSans: ['api.lab.example', '192.0.2.7'] });
    const check = await ensurePki(spec, t.dir, { mode: 'check' });
    assert.deepEqual(changedIds(check), ['apiserver would-issue SANs differ']);
    assert.equal(check.items.find((i) => i.id === 'apiserver')!.detail, '+IP:192.0.2.7');
    const r = await ensurePki(spec, t.dir, { mode: 'apply' });
    assert.deepEqual(changedIds(r), ['apiserver issued SANs differ']);
    assert.equal(readFileSync(join(t.dir, 'apiserver.key'), 'utf8'), key);
    assert.deepEqual(changedIds(await ensurePki(spec, t.dir, { mode: 'apply' })), []);
  });

  it('a node address change re-issues that kubelet certificate and its kubeconfig only', async () => {
    const spec = smallSpec({ nodes: [1, 2, 3].map((i) => ({ name: `node-${i}`, address: i === 2 ? '10.0.1.22' : `10.0.1.${i}` })) });
    const r = await ensurePki({ ...spec, apiserverExtraSans: ['api.lab.example', '192.0.2.7'] }, t.dir, { mode: 'apply' });
    assert.deepEqual(changedIds(r), ['kubelet:node-2 issued SANs differ', 'kubeconfig:kubelet:node-2 issued issuer re-issued']);
  });

  it('a corrupt key is reported, not overwritten, and renewed only when named', async () => {
    const spec = smallSpec({
      apiserverExtraSans: ['api.lab.example', '192.0.2.7'],
      nodes: [1, 2, 3].map((i) => ({ name: `node-${i}`, address: i === 2 ? '10.0.1.22' : `10.0.1.${i}` })),
    });
    writeFileSync(join(t.dir, 'kube-proxy.key'), '-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n');
    const before = snapshot(t.dir);
    const r = await ensurePki(spec, t.dir, { mode: 'apply' });
    assert.deepEqual(changedIds(r), ['kube-proxy error corrupt', 'kubeconfig:kube-proxy error issuer unusable']);
    assert.equal(r.errors, 2);
    assert.deepEqual(snapshot(t.dir), before);
    const renewed = await ensurePki(spec, t.dir, { mode: 'apply', renew: ['kube-proxy'] });
    assert.deepEqual(changedIds(renewed), ['kube-proxy issued renew requested', 'kubeconfig:kube-proxy issued issuer re-issued']);
    assert.deepEqual(changedIds(await ensurePki(spec, t.dir, { mode: 'apply' })), []);
  });

  it('a key that does not belong to its certificate is an error', async () => {
    const d = tempDir();
    try {
      await ensurePki(smallSpec(), d.dir, { mode: 'apply' });
      writeFileSync(join(d.dir, 'admin.key'), readFileSync(join(d.dir, 'kube-proxy.key')));
      const r = await ensurePki(smallSpec(), d.dir, { mode: 'check' });
      assert.deepEqual(changedIds(r), ['admin error key mismatch', 'kubeconfig:admin error issuer unusable']);
    } finally {
      d.cleanup();
    }
  });

  it('unknown renew names fail with a suggestion', async () => {
    await assert.rejects(
      ensurePki(smallSpec(), t.dir, { mode: 'check', renew: ['kube-prox'] }),
      (e: Error) => e instanceof ConfigError && /renew: unknown PKI item "kube-prox"\. Did you mean "kube-proxy"\?/.test(e.message),
    );
  });
});

describe('pki: check mode and the CA', () => {
  it('check mode on an empty directory lists everything and creates nothing', async () => {
    const d = tempDir();
    const dir = join(d.dir, 'pki');
    try {
      const r = await ensurePki(smallSpec(), dir, { mode: 'check' });
      assert.equal(r.changed, r.items.length);
      assert.ok(r.items.every((i) => i.status === 'would-issue'));
      assert.equal(existsSync(dir), false);
    } finally {
      d.cleanup();
    }
  });

  it('certificates in the renewal window are re-issued; the CA never is, silently', async () => {
    const d = tempDir();
    try {
      await ensurePki(smallSpec(), d.dir, { mode: 'apply' });
      const before = snapshot(d.dir);
      const later = new Date(Date.now() + 340 * 86_400_000);
      const r = await ensurePki(smallSpec(), d.dir, { mode: 'check', now: later });
      const certs = r.items.filter((i) => i.kind === 'cert' && !i.id.endsWith('ca'));
      assert.ok(
        certs.every((i) => i.status === 'would-issue' && i.reason === 'in renewal window'),
        JSON.stringify(certs),
      );
      assert.deepEqual(snapshot(d.dir), before);
      const caLater = new Date(Date.now() + 3630 * 86_400_000);
      const ca = await ensurePki(smallSpec(), d.dir, { mode: 'apply', now: caLater });
      assert.deepEqual(
        ca.items.filter((i) => i.id.endsWith('ca')).map((i) => `${i.id} ${i.status} ${i.reason}`),
        ['ca error in renewal window', 'etcd-ca error in renewal window', 'front-proxy-ca error in renewal window'],
      );
      assert.equal(readFileSync(join(d.dir, 'ca.crt'), 'utf8'), before['ca.crt']!.split(' ').slice(2).join(' '));
    } finally {
      d.cleanup();
    }
  });

  it('a CA whose subject no longer matches is an error, and renewing it re-issues everything it signed', async () => {
    const d = tempDir();
    try {
      await ensurePki(smallSpec(), d.dir, { mode: 'apply' });
      const renamed = await ensurePki(smallSpec({ clusterName: 'prod' }), d.dir, { mode: 'check' });
      assert.deepEqual(
        renamed.items.filter((i) => i.status === 'error' && i.reason !== 'issuer unusable').map((i) => `${i.id} ${i.reason}`),
        ['ca subject differs', 'etcd-ca subject differs', 'front-proxy-ca subject differs'],
      );
      const r = await ensurePki(smallSpec(), d.dir, { mode: 'apply', renew: ['front-proxy-ca'] });
      assert.deepEqual(changedIds(r), ['front-proxy-ca issued renew requested', 'front-proxy-client issued issuer re-issued']);
    } finally {
      d.cleanup();
    }
  });

  it('a lost CA is not re-created while certificates it signed remain, unless renewed', async () => {
    const d = tempDir();
    try {
      await ensurePki(smallSpec(), d.dir, { mode: 'apply' });
      rmSync(join(d.dir, 'etcd/ca.crt'));
      rmSync(join(d.dir, 'etcd/ca.key'));
      const r = await ensurePki(smallSpec(), d.dir, { mode: 'apply' });
      assert.equal(r.items.find((i) => i.id === 'etcd-ca')!.status, 'error');
      assert.ok(r.items.filter((i) => i.id.startsWith('etcd-') && i.id !== 'etcd-ca').every((i) => i.status === 'error' && i.reason === 'issuer unusable'));
      assert.equal(existsSync(join(d.dir, 'etcd/ca.crt')), false);
      const renewed = await ensurePki(smallSpec(), d.dir, { mode: 'apply', renew: ['etcd-ca'] });
      assert.equal(renewed.errors, 0);
      assert.equal(renewed.changed, 1 + 2 + 6, 'the etcd CA, the apiserver and health-check etcd clients and 6 member certificates');
    } finally {
      d.cleanup();
    }
  });

  it('RSA keys: a full PKI that verifies, and switching key type re-issues leaves only', async function () {
    // RSA-2048 keys take ~0.25 s each on an idle core, several times that on a loaded 2-core machine.
    this.timeout(60_000);
    const d = tempDir();
    try {
      const spec = smallSpec({ keyType: 'rsa', nodes: [{ name: 'node-1', address: '10.0.1.1' }], etcd: [{ name: 'master-1', address: '10.0.0.11' }] });
      const r = await ensurePki(spec, d.dir, { mode: 'apply' });
      assert.equal(r.errors, 0);
      assert.match(readFileSync(join(d.dir, 'apiserver.crt'), 'utf8'), /BEGIN CERTIFICATE/);
      const { run } = await import('./helpers.js');
      assert.match(
        run('openssl', ['x509', '-in', join(d.dir, 'apiserver.crt'), '-noout', '-text']),
        /rsaEncryption[\s\S]*Digital Signature, Key Encipherment[\s\S]*sha256WithRSAEncryption/,
      );
      assert.equal(
        run('openssl', ['verify', '-CAfile', join(d.dir, 'ca.crt'), join(d.dir, 'kubelets/node-1.crt')])
          .trim()
          .endsWith('OK'),
        true,
      );
      const toEc = await ensurePki({ ...spec, keyType: 'ecdsa' }, d.dir, { mode: 'check' });
      assert.ok(toEc.items.filter((i) => i.kind === 'cert').every((i) => (i.id.endsWith('ca') ? i.status === 'reused' : i.reason === 'key type differs')));
    } finally {
      d.cleanup();
    }
  });
});
