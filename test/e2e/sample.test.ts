/**
 * End to end on the lab over real SSH: the sample playbook converges fresh hosts (the gate fetches the
 * page), a second run changes nothing in one round trip per host, and check mode then has nothing to do.
 */
import assert from 'node:assert/strict';
import { loadInventory } from '../../lib/inventory/index.js';
import type { Host } from '../../lib/core/model.js';
import { connectSsh } from '../../lib/transport/ssh.js';
import { paths, requireLab } from '../integration/lab-hosts.js';
import { sum, tsplayJson } from './cli.js';

const INVENTORY = 'inventory/lab.ts';

/** The page as the host serves it (from the host itself: the lab may run firewalld, which keeps 8080 closed). */
async function fetchPage(host: Host): Promise<string> {
  const c = await connectSsh(host, { knownHosts: paths.knownHosts, connectTimeoutMs: 5000 });
  try {
    return (await c.exec('curl -fsS --max-time 3 http://127.0.0.1:8080/')).stdout;
  } finally {
    await c.close();
  }
}

describe('e2e: sample playbook on lab hosts over SSH', () => {
  let hosts: readonly Host[] = [];
  before(async function () {
    await requireLab(this, 2);
    // The hosts of the inventory (the lab may have more than inventory/lab.ts names, e.g. after a benchmark).
    hosts = (await loadInventory(INVENTORY)).hosts;
    const reset = await tsplayJson(['run', 'playbooks/sample-reset.ts', '-i', INVENTORY]);
    assert.equal(reset.code, 0, `reset failed: ${reset.stderr}`);
  });

  it('check, converge, no-op, check again', async () => {
    const check = await tsplayJson(['run', 'playbooks/sample.ts', '-i', INVENTORY, '--check']);
    assert.equal(check.code, 0, check.stderr);
    for (const h of hosts) assert.ok(check.hosts[h.name]!.changed >= 20, `${h.name}: check lists every change`);

    const first = await tsplayJson(['run', 'playbooks/sample.ts', '-i', INVENTORY]);
    assert.equal(first.code, 0, first.stderr);
    for (const h of hosts) assert.ok(first.hosts[h.name]!.changed >= 20, `${h.name} converged`);
    assert.equal(first.events.filter((e) => e.kind === 'gate' && e.status === 'ok').length, hosts.length, 'every host passed its gate');
    for (const h of hosts) assert.match(await fetchPage(h), new RegExp(`served by ${h.name}`));

    const again = await tsplayJson(['run', 'playbooks/sample.ts', '-i', INVENTORY]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(sum(again, 'changed'), 0, 'a second run changes nothing');
    for (const h of hosts) assert.equal(again.hosts[h.name]!.roundTrips, 1, `${h.name}: one round trip`);

    const recheck = await tsplayJson(['run', 'playbooks/sample.ts', '-i', INVENTORY, '--check']);
    assert.equal(recheck.code, 0);
    assert.equal(sum(recheck, 'changed'), 0, 'check mode on a converged lab has nothing to do');
    console.log(`      ${hosts.length} hosts: check ${check.ms} ms, first converge ${first.ms} ms, no-op ${again.ms} ms (wall, tsplay start-up included)`);
  });
});
