/**
 * A full PKI checked by outside tools: openssl verifies every chain and reads subjects, SANs and usages;
 * kubectl parses every kubeconfig; modes are 0600 for anything holding a key.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePki } from '../../roles/pki/catalogue/index.js';
import { redact } from '../../lib/core/secret.js';
import { smallSpec } from './fixtures.js';
import { opensslFields, run, tempDir } from './helpers.js';

const SERVER = 'TLS Web Server Authentication';
const CLIENT = 'TLS Web Client Authentication';
const BOTH = `${SERVER}, ${CLIENT}`;

/** [file, CA file, subject, SANs, extended key usage] as openssl prints them. */
const expected: [string, string, string, string, string][] = [
  [
    'apiserver',
    'ca',
    '/CN=kube-apiserver',
    'DNS:api.lab.example, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local, DNS:localhost, DNS:master-1, DNS:master-2, DNS:master-3, IP Address:10.0.0.100, IP Address:10.0.0.11, IP Address:10.0.0.12, IP Address:10.0.0.13, IP Address:10.96.0.1, IP Address:127.0.0.1',
    SERVER,
  ],
  ['apiserver-kubelet-client', 'ca', '/O=system:masters/CN=kube-apiserver-kubelet-client', '', CLIENT],
  ['apiserver-etcd-client', 'etcd/ca', '/CN=kube-apiserver-etcd-client', '', CLIENT],
  ['front-proxy-client', 'front-proxy-ca', '/CN=front-proxy-client', '', CLIENT],
  ['admin', 'ca', '/O=system:masters/CN=admin', '', CLIENT],
  ['kube-controller-manager', 'ca', '/O=system:kube-controller-manager/CN=system:kube-controller-manager', '', CLIENT],
  ['kube-scheduler', 'ca', '/O=system:kube-scheduler/CN=system:kube-scheduler', '', CLIENT],
  ['kube-proxy', 'ca', '/O=system:node-proxier/CN=system:kube-proxy', '', CLIENT],
  ['kubelets/node-2', 'ca', '/O=system:nodes/CN=system:node:node-2', 'DNS:node-2, IP Address:10.0.1.2', BOTH],
  [
    'etcd/master-1-server',
    'etcd/ca',
    '/CN=master-1',
    'DNS:localhost, DNS:master-1, IP Address:10.0.0.11, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    BOTH,
  ],
  [
    'etcd/master-3-peer',
    'etcd/ca',
    '/CN=master-3',
    'DNS:localhost, DNS:master-3, IP Address:10.0.0.13, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    BOTH,
  ],
];

describe('pki: issued material (openssl, kubectl)', () => {
  const t = tempDir();
  let report: Awaited<ReturnType<typeof ensurePki>>;
  before(async () => {
    report = await ensurePki(smallSpec(), t.dir, { mode: 'apply' });
  });
  after(() => t.cleanup());

  it('issues every item of an empty directory, without errors', () => {
    assert.equal(report.errors, 0);
    assert.equal(report.changed, report.items.length);
    assert.ok(report.items.every((i) => i.status === 'issued' && i.reason === 'missing'));
    // 3 CAs, sa, 8 control-plane certs, the etcd health-check client, 3 kubelets, 6 etcd certs, 4 + 3 kubeconfigs
    assert.equal(report.items.length, 29);
  });

  it('every certificate verifies against its CA with openssl', () => {
    for (const i of report.items.filter((i) => i.kind === 'cert')) {
      const crt = join(t.dir, i.files[0]!);
      const ca = i.id.startsWith('etcd') || i.id === 'apiserver-etcd-client' ? 'etcd/ca.crt' : i.id.startsWith('front-proxy') ? 'front-proxy-ca.crt' : 'ca.crt';
      assert.equal(run('openssl', ['verify', '-CAfile', join(t.dir, ca), crt]).trim(), `${crt}: OK`);
    }
  });

  for (const [file, ca, subject, san, eku] of expected) {
    it(`${file}: subject, SANs and usages, signed by ${ca}`, () => {
      const f = opensslFields(join(t.dir, `${file}.crt`));
      assert.deepEqual(f, { subject, san, ku: 'Digital Signature', eku, bc: 'CA:FALSE' });
      const issuer = { ca: 'lab-ca', 'etcd/ca': 'lab-etcd-ca', 'front-proxy-ca': 'lab-front-proxy-ca' }[ca];
      assert.equal(run('openssl', ['x509', '-in', join(t.dir, `${file}.crt`), '-noout', '-issuer']).trim(), `issuer=CN = ${issuer}`);
    });
  }

  it('CAs are CAs that can sign and nothing else', () => {
    for (const ca of ['ca', 'etcd/ca', 'front-proxy-ca']) {
      const f = opensslFields(join(t.dir, `${ca}.crt`));
      assert.equal(f.bc, 'CA:TRUE');
      assert.equal(f.ku, 'Digital Signature, Certificate Sign, CRL Sign');
      assert.equal(f.eku, '');
    }
  });

  it('the service-account key is its own, not the CA key', () => {
    const sa = readFileSync(join(t.dir, 'sa.key'), 'utf8');
    assert.notEqual(sa, readFileSync(join(t.dir, 'ca.key'), 'utf8'));
    const pubFromKey = run('openssl', ['pkey', '-in', join(t.dir, 'sa.key'), '-pubout']);
    assert.equal(pubFromKey, readFileSync(join(t.dir, 'sa.pub'), 'utf8'));
  });

  it('keys and kubeconfigs are 0600, certificates 0644', () => {
    for (const i of report.items) {
      for (const f of i.files) {
        const mode = statSync(join(t.dir, f)).mode & 0o777;
        assert.equal(mode, /\.(key|conf)$/.test(f) ? 0o600 : 0o644, f);
      }
    }
  });

  it('private keys are remembered as secrets', () => {
    const key = readFileSync(join(t.dir, 'admin.key'), 'utf8');
    assert.ok(!redact(`oops: ${key}`).includes(key.split('\n')[1]!));
  });

  it('kubectl reads every kubeconfig: server, user and embedded data', () => {
    for (const i of report.items.filter((i) => i.kind === 'kubeconfig')) {
      const view = JSON.parse(run('kubectl', ['config', 'view', '--raw', '-o', 'json', '--kubeconfig', join(t.dir, i.files[0]!)]));
      assert.equal(view.clusters[0].cluster.server, 'https://10.0.0.100:6443');
      const user = view.users[0];
      const cert = Buffer.from(user.user['client-certificate-data'], 'base64').toString();
      const file = i.id.replace('kubeconfig:', '').replace('kubelet:', 'kubelets/');
      assert.equal(cert, readFileSync(join(t.dir, `${file}.crt`), 'utf8'), i.id);
      assert.equal(view['current-context'], `${user.name}@lab`);
    }
    const kubelet = JSON.parse(run('kubectl', ['config', 'view', '-o', 'json', '--kubeconfig', join(t.dir, 'kubeconfigs/kubelet-node-1.conf')]));
    assert.equal(kubelet.users[0].name, 'system:node:node-1');
  });
});
