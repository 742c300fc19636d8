/**
 * The certificate playbooks' role wrapper (roles/certs-renew) around the etcd role on fake hosts, Debian
 * and RHEL-family: renewal by name (check mode on a scratch copy: the pki directory untouched, the host's
 * file lines exact), the etcd CA rotation's three steps (trust file = old + new, then new only), and bad
 * input refused before a host is touched.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../lib/core/errors.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import { converge, FakeHost, prepareContext } from '../../lib/testing/index.js';
import { pkiFiles, withPkiRequest } from '../../roles/pki/push.js';
import { renewing } from '../../roles/certs-renew/index.js';
import etcd from '../../roles/etcd/index.js';
import { snapshot, tempDir } from '../pki/helpers.js';
import { forHost, inventory, runOn as runRoleOn } from './helpers.js';

/** runOn, with the ids of the resources that changed (or would). */
async function runOn(...args: Parameters<typeof runRoleOn>) {
  const r = await runRoleOn(...args);
  return { ...r, changed: r.events.flatMap((e) => (e.kind === 'resource' && (e.status === 'changed' || e.status === 'would-change') ? [e.resource] : [])) };
}

const spec = (pkiDir: string): InventorySpec => ({
  hosts: { 'etcd-1': { address: '10.0.0.21' }, 'etcd-2': { address: '10.0.0.22' }, 'etcd-3': { address: '10.0.0.23' } },
  groups: { etcd: { hosts: ['etcd-1', 'etcd-2', 'etcd-3'] }, masters: { hosts: ['etcd-1'] }, workers: { hosts: ['etcd-1'] } },
  vars: { cluster_name: 'demo', pki_dir: pkiDir },
});
const PKI = '/etc/kubernetes/pki/etcd';
const certsIn = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)!.map((p) => new X509Certificate(p).fingerprint256);

for (const kind of ['debian', 'rhel'] as const) {
  describe(`roles/certs-renew around etcd (${kind})`, () => {
    const t = tempDir();
    const inv = () => inventory(spec(t.dir));
    const fake = kind === 'debian' ? FakeHost.debian('etcd-2') : FakeHost.rhel('etcd-2');
    for (const p of kind === 'debian' ? ['etcd-server', 'etcd-client'] : ['etcd']) fake.offer(p, { version: '3.4.23' });
    after(() => t.cleanup());

    before(async () => {
      const first = await runOn(fake, etcd, 'etcd-2', { inv: inv() });
      assert.equal(first.error, undefined);
    });

    it('renewal --check works on a scratch copy: the host lines name the renewed pair, the pki directory is untouched', async () => {
      const before = snapshot(t.dir);
      const r = await runOn(fake, renewing(etcd), 'etcd-2', { inv: inv(), overrides: { certs_renew: 'etcd-server:etcd-2' }, mode: 'check' });
      assert.deepEqual(r.changed, [`file:${PKI}/server.crt`, `file:${PKI}/server.key`]);
      assert.deepEqual(r.handlers, ['restart etcd']);
      assert.deepEqual(snapshot(t.dir), before);
    });

    it('renewal applies: a new server pair on the host, the restart notified, then a plain run has nothing to do', async () => {
      const old = fake.read(`${PKI}/server.crt`);
      const r = await runOn(fake, renewing(etcd), 'etcd-2', { inv: inv(), overrides: { certs_renew: 'etcd-server' } });
      assert.deepEqual(r.changed, [`file:${PKI}/server.crt`, `file:${PKI}/server.key`]);
      assert.notEqual(fake.read(`${PKI}/server.crt`), old);
      assert.equal(fake.read(`${PKI}/server.crt`), readFileSync(join(t.dir, 'etcd/etcd-2-server.crt'), 'utf8'));
      const again = await runOn(fake, etcd, 'etcd-2', { inv: inv() });
      assert.deepEqual(again.changed, []);
    });

    it('refuses an unknown name when the role is built and a step out of order while preparing, the host untouched', async () => {
      assert.throws(
        () => forHost(renewing(etcd), 'etcd-2', { inv: inv(), overrides: { certs_renew: 'etcd-sever' } }),
        (e: unknown) => e instanceof ConfigError && /unknown certificate "etcd-sever"/.test(e.message),
      );
      assert.throws(
        () => forHost(renewing(etcd, { require: 'certs_etcd_ca_step' }), 'etcd-2', { inv: inv() }),
        /needs -e certs_etcd_ca_step=bundle\|reissue\|drop/,
      );
      const r = forHost(renewing(etcd), 'etcd-2', { inv: inv(), overrides: { certs_etcd_ca_step: 'drop' } });
      const log = fake.log.length;
      await assert.rejects(
        Promise.all(r.resources.map((x) => x.prepare?.(prepareContext('apply')))),
        /step "drop" is out of order: the etcd CA rotation is not started/,
      );
      assert.equal(fake.log.length, log);
    });

    it('rotates the etcd CA: the host trusts old + new, then the leaves chain to the new one, then it trusts the new one only', async () => {
      const oldCa = certsIn(fake.read(`${PKI}/ca.crt`)!);
      const step = async (s: string, mode: 'apply' | 'check' = 'apply') =>
        runOn(fake, renewing(etcd), 'etcd-2', { inv: inv(), overrides: { certs_etcd_ca_step: s }, mode });
      const before = snapshot(t.dir);
      const bundleCheck = await step('bundle', 'check');
      assert.deepEqual(bundleCheck.changed, [`file:${PKI}/ca.crt`]);
      assert.deepEqual(snapshot(t.dir), before, 'check mode rotates a scratch copy, not the pki directory');
      const bundle = await step('bundle');
      assert.deepEqual(bundle.changed, [`file:${PKI}/ca.crt`]);
      const trust = certsIn(fake.read(`${PKI}/ca.crt`)!);
      assert.equal(trust.length, 2);
      assert.equal(trust[0], oldCa[0]);
      assert.deepEqual((await step('bundle')).changed, [], 'repeating a step pushes what is there');
      const reissue = await step('reissue');
      assert.deepEqual(
        reissue.changed,
        ['server', 'peer', 'healthcheck-client'].flatMap((f) => [`file:${PKI}/${f}.crt`, `file:${PKI}/${f}.key`]),
      );
      const newCa = new X509Certificate(readFileSync(join(t.dir, 'etcd/ca.crt'), 'utf8'));
      assert.equal(newCa.fingerprint256, trust[1]);
      for (const f of ['server', 'peer', 'healthcheck-client']) assert.ok(new X509Certificate(fake.read(`${PKI}/${f}.crt`)!).verify(newCa.publicKey), f);
      await assert.rejects(step('bundle'), /step "bundle" is out of order: the etcd CA rotation is at "reissued", the next step is drop/);
      const drop = await step('drop');
      assert.deepEqual(drop.changed, [`file:${PKI}/ca.crt`]);
      assert.deepEqual(certsIn(fake.read(`${PKI}/ca.crt`)!), [trust[1]]);
      assert.deepEqual((await runOn(fake, etcd, 'etcd-2', { inv: inv() })).changed, []);
      // The old CA is kept aside; a second rotation retires it.
      assert.equal(certsIn(readFileSync(join(t.dir, 'etcd/ca-previous.crt'), 'utf8'))[0], oldCa[0]);
      await step('bundle');
      assert.equal(certsIn(fake.read(`${PKI}/ca.crt`)!)[0], trust[1]);
    });
  });
}

describe('roles/pki under a rotation request: the control-plane share', () => {
  const t = tempDir();
  after(() => t.cleanup());

  it('a master gets the bundle as pki/etcd/ca.crt and its renewed etcd client, while its kubernetes CA stays guarded', async () => {
    const inv = inventory(spec(t.dir));
    const host = inv.cluster.hosts.find((h) => h.name === 'etcd-1')!;
    const fake = FakeHost.debian('etcd-1');
    const share = () => pkiFiles(inv.cluster, host, { roles: ['control-plane'] });
    await converge(fake, share());
    const ca = fake.read('/etc/kubernetes/pki/etcd/ca.crt')!;
    const client = fake.read('/etc/kubernetes/pki/apiserver-etcd-client.crt')!;
    for (const step of ['bundle', 'reissue'] as const) await converge(fake, withPkiRequest({ etcdCaStep: step }, share));
    assert.equal(certsIn(fake.read('/etc/kubernetes/pki/etcd/ca.crt')!).length, 2);
    assert.equal(certsIn(fake.read('/etc/kubernetes/pki/etcd/ca.crt')!)[0], certsIn(ca)[0]);
    const newCa = new X509Certificate(readFileSync(join(t.dir, 'etcd/ca.crt'), 'utf8'));
    assert.notEqual(fake.read('/etc/kubernetes/pki/apiserver-etcd-client.crt'), client);
    assert.ok(new X509Certificate(fake.read('/etc/kubernetes/pki/apiserver-etcd-client.crt')!).verify(newCa.publicKey));
    // The kubernetes CA is not part of the rotation: another one on the host is still refused.
    fake.seedFile('/etc/kubernetes/pki/ca.crt', ca);
    const guarded = await converge(fake, withPkiRequest({ etcdCaStep: 'reissue' }, share));
    const errors = guarded.first.planned.flatMap((p) => (p.error ? [`${p.resource.id}: ${p.error}`] : []));
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0]!, /^file:\/etc\/kubernetes\/pki\/ca.crt: .* on the host differs: it holds another CA/);
  });
});
