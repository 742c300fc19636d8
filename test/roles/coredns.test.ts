import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import { parseAllDocuments } from 'yaml';
import { ConfigError } from '../../lib/core/errors.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import { changedIds, converge, FakeHost } from '../../lib/testing/index.js';
import coredns from '../../roles/coredns/index.js';
import { corednsObjects, manifestProblems } from '../../roles/coredns/manifest.js';
import { tempDir } from '../pki/helpers.js';
import { forHost, inventory, SMALL } from './helpers.js';

const KUBECTL = '/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf';
const DIFF = `${KUBECTL} --request-timeout=5s diff -f /etc/kubernetes/addons/coredns.yaml >/dev/null`;
const APPLY = `${KUBECTL} apply -f /etc/kubernetes/addons/coredns.yaml`;

describe('roles/coredns', () => {
  let tmp: { dir: string; cleanup(): void };
  let spec: InventorySpec;
  before(() => {
    tmp = tempDir();
    spec = { ...SMALL, vars: { ...SMALL.vars, pki_dir: join(tmp.dir, 'pki') } };
  });
  after(() => tmp.cleanup());

  const build = (overrides: Record<string, unknown> = {}, name = 'master-1') => forHost(coredns, name, { inv: inventory(spec), overrides });

  it('renders a manifest kubectl can take: six objects, the Service on the cluster DNS IP, the Corefile on the domain', () => {
    const h = FakeHost.debian('master-1').script(DIFF, { exitCode: 1 }).script(APPLY, {});
    return converge(h, build().resources).then(({ first }) => {
      assert.ok(changedIds(first).includes('template:/etc/kubernetes/addons/coredns.yaml'));
      const docs = parseAllDocuments(h.read('/etc/kubernetes/addons/coredns.yaml')!).map((d) => d.toJS());
      assert.deepEqual(
        docs.map((d) => d.kind),
        ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Deployment', 'Service'],
      );
      assert.equal(docs[5].spec.clusterIP, '10.96.0.10');
      assert.match(docs[3].data.Corefile, /kubernetes cluster.local in-addr.arpa ip6.arpa/);
      assert.equal(docs[4].spec.template.spec.containers[0].image, 'registry.k8s.io/coredns/coredns:v1.12.1');
    });
  });

  for (const kind of ['debian', 'rhel'] as const) {
    it(`${kind}: when the API cannot take the manifest, the apply fails the host (never a silent skip)`, async () => {
      const h = kind === 'debian' ? FakeHost.debian('master-1') : FakeHost.rhel('master-1');
      const down = { exitCode: 1, stderr: 'The connection to the server 10.0.0.10:6443 was refused' };
      h.script(DIFF, { exitCode: 2 }).script(APPLY, down);
      const { first, applied } = await converge(h, build().resources);
      assert.ok(changedIds(first).includes('command:kubectl apply coredns'));
      assert.equal(applied.failure?.id, 'command:kubectl apply coredns');
      assert.match(applied.failure!.stderr, /connection to the server .* was refused/);
    });

    it(`${kind}: coredns_apply: false (the stand-ins) keeps the manifest on the host, applies nothing; converges`, async () => {
      const h = kind === 'debian' ? FakeHost.debian('master-1') : FakeHost.rhel('master-1');
      const { first, applied, second } = await converge(h, build({ coredns_apply: false }).resources);
      assert.deepEqual(changedIds(first), [
        'directory:/etc/kubernetes',
        'file:/etc/kubernetes/admin.conf',
        'directory:/etc/kubernetes/addons',
        'template:/etc/kubernetes/addons/coredns.yaml',
      ]);
      assert.equal(applied.failure, undefined);
      assert.deepEqual(changedIds(second), []);
      assert.deepEqual(h.commands, []);
    });
  }

  it('with a real apiserver: applies when kubectl diff finds a change, not when it finds none', async () => {
    const h = FakeHost.debian('master-1');
    let inSync = false;
    h.script(DIFF, () => ({ exitCode: inSync ? 0 : 1 })).script(APPLY, () => {
      inSync = true;
    });
    const { first, second } = await converge(h, build().resources);
    assert.ok(changedIds(first).includes('command:kubectl apply coredns'));
    assert.deepEqual(
      h.commands.filter((c) => c === APPLY),
      [APPLY],
    );
    assert.deepEqual(changedIds(second), []);
  });

  it('refuses what would not work, before any host is touched', () => {
    const refused = (f: () => unknown, field: string) => assert.throws(f, (e: unknown) => e instanceof ConfigError && e.message.includes(field));
    refused(() => build({ coredns_replicas: 0 }), 'var coredns_replicas');
    refused(() => build({ coredns_upstream: ['8.8.8.8; rm -rf /'] }), 'var coredns_upstream.0');
    // Written into the kubectl command lines: nothing that could end the word or start another command.
    for (const bad of ['/usr/bin/kubectl;touch /tmp/x', '/usr/bin/$(id)', '/usr/bin/kube`x`', '/usr/bin/k|x', 'kubectl'])
      refused(() => build({ coredns_kubectl: bad }), 'var coredns_kubectl');
    refused(() => build({ coredns_manifest_dir: '/etc/k&x' }), 'var coredns_manifest_dir');
    refused(() => build({}, 'worker-1'), 'control-plane');
    const bad = { ...spec, vars: { ...spec.vars, cluster_dns: '10.100.0.10', service_cidr: '10.96.0.0/16' } };
    refused(() => forHost(coredns, 'master-1', { inv: inventory(bad) }), 'vars.cluster_dns');
    const objs = corednsObjects(coredns.defaults, { clusterDns: '10.96.0.10', domain: 'cluster.local' });
    assert.deepEqual(manifestProblems(objs, { clusterDns: '10.96.0.10', domain: 'cluster.local' }), []);
    assert.deepEqual(manifestProblems([...objs, objs[0]!], { clusterDns: '10.96.0.11', domain: 'corp.local' }), [
      'ServiceAccount/kube-system/coredns appears twice',
      "the kube-dns Service's clusterIP is not the kubelets' clusterDNS 10.96.0.11",
      'the Corefile does not serve the cluster domain corp.local',
    ]);
  });
});
