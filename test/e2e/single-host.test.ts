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
    const r = await c.exec('curl -sS --max-time 3 --cacert /etc/kubernetes/pki/ca.crt --cert /etc/kubernetes/pki/apiserver-kubelet-client.crt --key /etc/kubernetes/pki/apiserver-kubelet-client.key https://10.231.0.17:6443/healthz');
    assert.equal(r.stdout, 'ok', r.stderr);
    console.log(`      1 host: first converge ${(first.ms / 1000).toFixed(1)} s (${sum(first, 'changed')} changes), no-op ${(again.ms / 1000).toFixed(1)} s`);
  });
});
