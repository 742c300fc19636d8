/** Two resources editing one file in one role: the second is checked again after the first's write. */
import assert from 'node:assert/strict';
import { line, sysctl } from '../../lib/resources/index.js';
import { changedIds, converge, FakeHost } from '../../lib/testing/index.js';

describe('apply: edits of the same file', () => {
  it('two lines in one file both land, at the cost of one more check and apply', async () => {
    const h = FakeHost.debian();
    const { applied, second } = await converge(h, [line({ path: '/etc/hosts', line: '10.0.0.1 a' }), line({ path: '/etc/hosts', line: '10.0.0.2 b' })]);
    assert.equal(applied.failure, undefined);
    assert.match(h.read('/etc/hosts')!, /10\.0\.0\.1 a\n10\.0\.0\.2 b\n$/);
    assert.deepEqual(changedIds(second), []);
    assert.deepEqual(
      applied.outcomes.map((o) => o.outcome),
      ['changed', 'changed'],
    );
    // plan + act, re-plan + act, final plan.
    assert.equal(h.roundTrips, 5);
  });

  it('a later edit that the earlier one already made is reported unchanged', async () => {
    const h = FakeHost.debian();
    const { applied } = await converge(h, [
      sysctl({ key: 'net.ipv4.ip_forward', value: 1, file: '/etc/sysctl.d/k8s.conf' }),
      line({ path: '/etc/sysctl.d/k8s.conf', line: 'net.ipv4.ip_forward = 1', match: /^net\.ipv4\.ip_forward\b/ }),
    ]);
    assert.deepEqual(
      applied.outcomes.map((o) => `${o.planned.resource.id} ${o.outcome}`),
      ['sysctl:net.ipv4.ip_forward changed', 'line:/etc/sysctl.d/k8s.conf:^net\\.ipv4\\.ip_forward\\b unchanged'],
    );
  });

  it('independent files still go in one action batch', async () => {
    const h = FakeHost.debian();
    await converge(h, [line({ path: '/etc/hosts', line: '10.0.0.1 a' }), line({ path: '/etc/motd', line: 'hi' })]);
    assert.equal(h.roundTrips, 3);
  });
});
