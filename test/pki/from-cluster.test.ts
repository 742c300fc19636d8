/** The inventory becomes a PKI spec: groups, the VIP from the lb group, cluster vars, overrides. */
import assert from 'node:assert/strict';
import { ConfigError } from '../../lib/core/errors.js';
import { buildInventory } from '../../lib/inventory/build.js';
import { catalog, resolvePkiSpec } from '../../roles/pki/catalogue/index.js';
import prod from '../../inventory/prod.js';
import { pkiSpecFromCluster } from '../../roles/pki/index.js';

describe('roles/pki: pkiSpecFromCluster', () => {
  const cluster = buildInventory(prod).cluster;

  it('reads the example production inventory', () => {
    const spec = pkiSpecFromCluster(cluster);
    assert.equal(spec.clusterName, 'prod');
    assert.equal(spec.vip, '10.0.0.10');
    assert.equal(spec.apiserverEndpoint, 'https://10.0.0.10:6443');
    assert.deepEqual(
      spec.etcd.map((m) => m.name),
      ['master-1', 'master-2', 'master-3'],
    );
    assert.deepEqual(
      spec.controlPlane.map((m) => `${m.name}=${m.address}`),
      ['master-1=10.0.0.21', 'master-2=10.0.0.22', 'master-3=10.0.0.23'],
    );
    // k8s = masters + workers: every host with a kubelet gets its own certificate; the LBs get none.
    assert.deepEqual(
      spec.nodes.map((m) => m.name),
      ['master-1', 'master-2', 'master-3', 'worker-1', 'worker-2', 'worker-3'],
    );
    const ids = catalog(resolvePkiSpec(spec)).map((w) => w.id);
    assert.ok(ids.includes('kubelet:worker-3') && ids.includes('etcd-peer:master-2') && !ids.some((i) => i.includes('lb-')));
  });

  it('vars and group overrides win', () => {
    const spec = pkiSpecFromCluster(cluster, {
      ...cluster.vars,
      api_endpoint: undefined,
      vip: '10.0.0.99',
      pki_key_type: 'rsa',
      cluster_groups: { nodes: 'workers' },
      apiserver_extra_sans: ['api.prod.example'],
    });
    assert.equal(spec.apiserverEndpoint, 'https://10.0.0.99:6443');
    assert.equal(spec.keyType, 'rsa');
    assert.deepEqual(
      spec.nodes.map((m) => m.name),
      ['worker-1', 'worker-2', 'worker-3'],
    );
    assert.deepEqual(spec.apiserverExtraSans, ['api.prod.example']);
  });

  it('bad vars fail with the var name', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ cluster_groups: { etcd: 'etcds' } }, /^vars\.cluster_groups\.etcd: no group "etcds"/],
      [{ pki_key_type: 'ed25519' }, /^vars\.pki_key_type: /],
      [{ pki_cert_validity_days: '365' }, /^vars\.pki_cert_validity_days: expected a number/],
    ];
    for (const [vars, message] of bad) {
      assert.throws(
        () => pkiSpecFromCluster(cluster, { ...cluster.vars, ...vars }),
        (e: Error) => e instanceof ConfigError && message.test(e.message),
        message.source,
      );
    }
    // Inventory values that are not addresses are caught by the cluster topology, naming the field.
    assert.throws(
      () => pkiSpecFromCluster(cluster, { ...cluster.vars, vip: '10.0.0.256' }),
      (e: Error) => e instanceof ConfigError && /^vars\.vip: expected an IP address, got "10\.0\.0\.256"/.test(e.message),
    );
    // The spec's own validation still names its field for specs built by hand.
    assert.throws(
      () => resolvePkiSpec({ ...pkiSpecFromCluster(cluster), vip: '10.0.0.256' }),
      (e: Error) => e instanceof ConfigError && /^pki\.vip: "10\.0\.0\.256" is not an IP address/.test(e.message),
    );
  });
});
