/**
 * End to end, single-host mode: one lab host (lab-7) is etcd member, control plane and worker, with no load
 * balancer; site.ts converges it, a second run changes nothing, check mode has nothing to do, and the API
 * answers on the host itself with the single cluster's own CA. Runs after the 7-host cluster test and
 * starts by resetting the host (it held that cluster's CA, which tsplay refuses to replace).
 */
import assert from 'node:assert/strict';
import type { Connection } from '../../lib/core/connection.js';
import { connectSsh } from '../../lib/transport/ssh.js';
import { asHost, paths, requireLab } from '../integration/lab-hosts.js';
import { sum, tsplayJson } from './cli.js';

const INVENTORY = 'test/fixtures/inventory/lab-single.ts';

describe('e2e: single-host mode on one lab host (site.ts)', function () {
  this.timeout(300_000);
  let c: Connection;
  before(async function () {
    const state = await requireLab(this, 7);
    c = await connectSsh(asHost(state.hosts.find((h) => h.name === 'lab-7')!), { knownHosts: paths.knownHosts, connectTimeoutMs: 5000 });
    const reset = await tsplayJson(['run', 'playbooks/reset.ts', '-i', INVENTORY]);
    assert.equal(reset.code, 0, reset.stderr);
  });
  after(() => c?.close());

  it('converges everything on one host, then changes nothing; the API answers there with its own CA', async () => {
    const first = await tsplayJson(['run', 'playbooks/site.ts', '-i', INVENTORY]);
    assert.equal(first.code, 0, first.stderr + JSON.stringify(first.events.filter((e) => e.status === 'failed' || e.kind === 'host-failed')).slice(0, 3000));
    const again = await tsplayJson(['run', 'playbooks/site.ts', '-i', INVENTORY]);
    assert.equal(sum(again, 'changed'), 0, 'a second run changes nothing');
    assert.equal(again.hosts['lab-7']!.roundTrips, 1, 'one round trip for all its roles: the first query reads ahead');
    const check = await tsplayJson(['run', 'playbooks/site.ts', '-i', INVENTORY, '--check']);
    assert.equal(sum(check, 'changed'), 0);
    const r = await c.exec(
      'curl -sS --max-time 3 --cacert /srv/kubernetes/pki/ca.crt --cert /srv/kubernetes/pki/apiserver-kubelet-client.crt --key /srv/kubernetes/pki/apiserver-kubelet-client.key https://10.231.0.17:6443/healthz',
    );
    assert.equal(r.stdout, 'ok', r.stderr);
    // k8s_config_dir /srv/kubernetes: every component reads its files there (units, configs, kubeconfigs, etcd's certificates).
    const read = await c.exec(
      'cat /etc/systemd/system/kube-*.service /etc/systemd/system/kubelet.service /etc/systemd/system/flanneld.service /var/lib/kubelet/config.yaml /var/lib/kube-proxy/config.yaml /etc/etcd/etcd.env',
    );
    assert.equal(read.exitCode, 0, read.stderr);
    assert.doesNotMatch(read.stdout, /\/etc\/kubernetes/);
    for (const f of [
      '--kubeconfig=/srv/kubernetes/kubelet.conf',
      '--client-ca-file=/srv/kubernetes/pki/ca.crt',
      'kubeconfig: /srv/kubernetes/kube-proxy.conf',
      'ETCD_TRUSTED_CA_FILE=/srv/kubernetes/pki/etcd/ca.crt',
      '--kubeconfig-file=/srv/kubernetes/kubelet.conf',
    ])
      assert.ok(read.stdout.includes(f), f);
    const kubectl = await c.exec('/usr/local/bin/kubectl --kubeconfig=/srv/kubernetes/admin.conf --request-timeout=5s get --raw=/healthz');
    assert.equal(kubectl.stdout, 'ok', kubectl.stderr);
    console.log(`      1 host: first converge ${(first.ms / 1000).toFixed(1)} s (${sum(first, 'changed')} changes), no-op ${(again.ms / 1000).toFixed(1)} s`);
  });
});
