/**
 * The etcd side of the rolling upgrade: etcd's upgrade policy (pure), the read-only plan on the first
 * member (Debian and RHEL fake hosts answering `endpoint status --cluster` as etcd 3.4 prints it), the
 * version gate, and that a package install (no declared version) plans nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { GateContext } from '../../lib/index.js';
import { plan } from '../../lib/runner/pass.js';
import { FakeHost } from '../../lib/testing/index.js';
import type { EtcdVars } from '../../roles/etcd/index.js';
import { etcdVersionGate, statusCommand, upgradeEtcdPlan, upgradingEtcd, versionsOf } from '../../roles/upgrade/etcd-plan.js';
import { etcdRefusals } from '../../roles/upgrade/etcd-version.js';
import { parseVersion } from '../../roles/upgrade/version.js';
import { forHost, type ForHost } from './helpers.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import { inventory } from './helpers.js';

const v = (s: string) => parseVersion(s)!;
const ADDR = (n: number) => `10.0.0.2${n}`;
const SPEC: InventorySpec = {
  hosts: Object.fromEntries([1, 2, 3].map((n) => [`etcd-${n}`, { address: ADDR(n) }])),
  groups: { etcd: { hosts: ['etcd-1', 'etcd-2', 'etcd-3'] }, masters: { hosts: ['etcd-1'] }, workers: { hosts: ['etcd-1'] } },
  vars: { cluster_name: 'demo' },
};
const RELEASE = (version: string) => ({
  etcd_install: 'release',
  etcd_release: {
    version,
    url: 'https://mirror.example/etcd-v{version}-linux-{arch}.tar.gz',
    sha256: 'a'.repeat(64),
    arch: 'amd64',
    bin_dir: '/usr/local/bin',
  },
});
/** `endpoint status --cluster -w json` as etcd 3.4 prints it (an entry per answering member). */
const status = (versions: readonly (string | undefined)[]) =>
  JSON.stringify(
    versions.flatMap((ver, i) =>
      ver
        ? [
            {
              Endpoint: `https://${ADDR(i + 1)}:2379`,
              Status: { header: { cluster_id: 1, member_id: i + 1, revision: 9, raft_term: 2 }, version: ver, dbSize: 20480, leader: 1 },
            },
          ]
        : [],
    ),
  );

describe('roles/upgrade: etcd upgrade policy (one minor at a time, every member on the minor before)', () => {
  const all = (...vs: (string | undefined)[]) => vs.map((x, i) => ({ name: `etcd-${i + 1}`, version: x ? v(x) : undefined }));
  it('a patch or one minor is allowed; the same version changes nothing', () => {
    assert.deepEqual(etcdRefusals(all('3.4.23', '3.4.23', '3.4.23'), v('3.4.30')), []);
    assert.deepEqual(etcdRefusals(all('3.4.23', '3.4.23', '3.4.23'), v('3.5.17')), []);
    assert.deepEqual(etcdRefusals(all('3.5.17', '3.4.23', '3.4.23'), v('3.5.17')), [], 'a cluster halfway through the same minor upgrade carries on');
  });
  it('refuses a skipped minor, a cluster partly on an older minor, a downgrade, a major change, a member that does not answer', () => {
    assert.match(
      etcdRefusals(all('3.4.23', '3.4.23', '3.4.23'), v('3.6.0')).join(),
      /etcd-1 runs etcd 3\.4\.23: 3\.6\.0 skips 1 minor version\(s\); etcd upgrades one minor at a time, every member on 3\.5\.x first/,
    );
    assert.deepEqual(etcdRefusals(all('3.5.17', '3.5.17', '3.4.23'), v('3.6.0')).length, 1, 'only the member left behind');
    assert.match(etcdRefusals(all('3.5.17', '3.4.23', '3.4.23'), v('3.4.30')).join(), /etcd-1 runs etcd 3\.5\.17, newer than 3\.4\.30: a downgrade/);
    assert.match(etcdRefusals(all('3.4.23'), v('4.0.0')).join(), /changes the major version/);
    assert.match(etcdRefusals(all('3.4.23', undefined, '3.4.23'), v('3.4.30')).join(), /etcd-2 does not report its version .*a healthy cluster only/);
  });
  it('reads each member of the inventory from endpoint status; one missing from the answer has no version', () => {
    const all3 = [1, 2, 3].map((n) => ({ name: `etcd-${n}`, address: ADDR(n), peerUrl: `https://${ADDR(n)}:2380`, clientUrl: `https://${ADDR(n)}:2379` }));
    assert.deepEqual(
      versionsOf(all3, status(['3.4.23', undefined, '3.4.30'])).map((m) => [m.name, m.version && `${m.version.minor}.${m.version.patch}`]),
      [
        ['etcd-1', '4.23'],
        ['etcd-2', undefined],
        ['etcd-3', '4.30'],
      ],
    );
  });
});

for (const kind of ['debian', 'rhel'] as const) {
  const fake = (n: string) => (kind === 'debian' ? FakeHost.debian(n) : FakeHost.rhel(n));
  describe(`roles/upgrade-etcd-plan on ${kind} fake hosts`, () => {
    const build = (host: string, release: string | undefined): ForHost<EtcdVars> =>
      forHost(upgradeEtcdPlan, host, { inv: inventory(SPEC), ...(release ? { overrides: RELEASE(release) } : {}) });

    it('from 3.4 to 3.5: read-only on the first member only, with whichever etcdctl is there', async () => {
      const h = fake('etcd-1').script(/endpoint status --cluster -w json$/, { stdout: status(['3.4.23', '3.4.23', '3.4.23']) });
      const r = build('etcd-1', '3.5.17');
      const p = await plan(h, r.resources);
      assert.deepEqual(
        p.planned.map((x) => [x.resource.id, x.changes.length, x.error]),
        [['upgrade-etcd-plan:3.5.17', 0, undefined]],
      );
      assert.deepEqual(h.log, [], 'nothing changed');
      assert.match(h.commands[0]!, /for b in \/usr\/local\/bin\/etcdctl \/usr\/bin\/etcdctl; do/);
      assert.deepEqual(build('etcd-2', '3.5.17').resources, [], 'asked once, from the first member');
    });

    it('from 3.4 to 3.6: refused, naming every member and what to do first', async () => {
      const h = fake('etcd-1').script(/endpoint status --cluster -w json$/, { stdout: status(['3.4.23', '3.4.23', '3.4.23']) });
      const p = await plan(h, build('etcd-1', '3.6.0').resources);
      assert.match(p.planned[0]!.error!, /etcd upgrade to 3\.6\.0 refused: etcd-1 runs etcd 3\.4\.23: 3\.6\.0 skips 1 minor.*etcd-3 runs etcd 3\.4\.23/);
      assert.deepEqual(h.log, []);
    });

    it('a member that does not answer (etcdctl exits 1 with the others) is refused; a package install plans nothing', async () => {
      const h = fake('etcd-1').script(/endpoint status --cluster -w json$/, { exitCode: 1, stdout: status(['3.4.23', undefined, '3.4.23']) });
      const p = await plan(h, build('etcd-1', '3.4.30').resources);
      assert.match(p.planned[0]!.error!, /etcd-2 does not report its version/);
      assert.deepEqual(build('etcd-1', undefined).resources, [], "etcd_install 'package': no declared version, nothing to plan");
    });
  });
}

describe('roles/upgrade: the etcd version gate', () => {
  it("after the etcd role's health gate; passes once the member reports the target", async () => {
    assert.deepEqual(
      upgradingEtcd.verify!.map((g) => g.name),
      ['etcdctl endpoint health --cluster', 'upgraded: the etcd member runs the target version'],
    );
    const { host, cluster, vars } = forHost(upgradingEtcd, 'etcd-2', { inv: inventory(SPEC), overrides: RELEASE('3.5.17') });
    const ctx = (out: string): GateContext<EtcdVars> => ({ host, cluster, vars, exec: async () => ({ exitCode: 0, stdout: out, stderr: '' }) });
    await etcdVersionGate.check(ctx(status([undefined, '3.5.17'])));
    await assert.rejects(etcdVersionGate.check(ctx(status([undefined, '3.4.23']))), /etcd-2 runs etcd 3\.4\.23, not 3\.5\.17/);
    assert.match(statusCommand(vars, host.address, { cluster: false }), /--endpoints=https:\/\/127\.0\.0\.1:2379 .* endpoint status -w json$/);
  });
});
