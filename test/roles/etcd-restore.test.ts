/**
 * etcd-restore on fake hosts and the controller: the snapshot refused before any host is touched (no
 * file, no sidecar, a mismatch, another cluster's), what check mode says per member, and the member's
 * script (staging first, old data dir moved aside and never deleted, the same new token everywhere).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import { FakeHost } from '../../lib/testing/index.js';
import { restoreArgs, restoreScript, type RestorePlan } from '../../roles/etcd-restore/commands.js';
import restore from '../../roles/etcd-restore/index.js';
import { loadSource } from '../../roles/etcd-restore/source.js';
import { members } from '../../roles/etcd/members.js';
import { forHost, inventory, runOn } from './helpers.js';

const sha = (b: string) => createHash('sha256').update(b).digest('hex');

const spec = (snapshot: string, cluster = 'demo'): InventorySpec => ({
  hosts: { 'etcd-1': { address: '10.0.0.21' }, 'etcd-2': { address: '10.0.0.22' }, 'etcd-3': { address: '10.0.0.23' } },
  groups: { etcd: { hosts: ['etcd-1', 'etcd-2', 'etcd-3'] }, masters: { hosts: ['etcd-1'] }, workers: { hosts: ['etcd-1'] } },
  vars: { cluster_name: cluster, etcd_restore_snapshot: snapshot },
});

describe('etcd-restore', () => {
  let d: string;
  let good: string;
  before(() => {
    d = mkdtempSync(join(tmpdir(), 'tsplay-restore-'));
    good = join(d, 'demo-20261202T080000Z.db');
    writeFileSync(good, 'SNAPSHOT');
    writeFileSync(
      `${good}.json`,
      JSON.stringify({
        cluster: 'demo',
        member: 'etcd-2',
        snapshot: 'demo-20261202T080000Z.db',
        taken_at: '2026-12-02T08:00:00Z',
        etcd_version: '3.4.23',
        revision: 42,
        sha256: sha('SNAPSHOT'),
        bytes: 8,
      }),
    );
  });
  after(() => rmSync(d, { recursive: true, force: true }));

  it("refuses, before any host is touched, a missing var, a missing file, a missing sidecar, a changed file and another cluster's snapshot", async () => {
    await assert.rejects(loadSource('', 'demo'), /no snapshot given: run with -e etcd_restore_snapshot=PATH/);
    await assert.rejects(loadSource(join(d, 'none.db'), 'demo'), /none\.db does not exist or is not a file/);
    const lone = join(d, 'lone.db');
    writeFileSync(lone, 'x');
    await assert.rejects(loadSource(lone, 'demo'), /has no sidecar .*lone\.db\.json: its checksum cannot be checked/);
    const tampered = join(d, 'tampered.db');
    writeFileSync(tampered, 'SNAPSHOX');
    writeFileSync(`${tampered}.json`, JSON.stringify({ cluster: 'demo', sha256: sha('SNAPSHOT'), bytes: 8 }));
    await assert.rejects(
      loadSource(tampered, 'demo'),
      (e: Error) =>
        e.name === 'ConfigError' &&
        new RegExp(`does not match its sidecar: sha256 ${sha('SNAPSHOX')} \\(8 bytes\\), the sidecar says ${sha('SNAPSHOT')}`).test(e.message),
    );
    await assert.rejects(loadSource(good, 'other'), /a snapshot of cluster "demo", not of this inventory's "other"/);
    assert.equal((await loadSource(good, 'demo')).revision, 42);
  });

  it("a tampered snapshot fails the role's preparation: the host is never asked anything", async () => {
    const tampered = join(d, 'tampered2.db');
    writeFileSync(tampered, 'SNAPSHOX');
    writeFileSync(`${tampered}.json`, JSON.stringify({ cluster: 'demo', sha256: sha('SNAPSHOT'), bytes: 8 }));
    const host = FakeHost.debian('etcd-1');
    await assert.rejects(runOn(host, restore, 'etcd-1', { inv: inventory(spec(tampered)), mode: 'check' }), /does not match its sidecar/);
    assert.equal(host.roundTrips, 0);
  });

  it('check mode says per member what it would do: stop, keep the old dir, restore as itself with the new token, start', async () => {
    const host = FakeHost.debian('etcd-2').seedDir('/var/lib/etcd');
    const r = await runOn(host, restore, 'etcd-2', { inv: inventory(spec(good)), mode: 'check' });
    const ev = r.events.find((e) => e.kind === 'resource');
    assert.ok(ev && ev.kind === 'resource' && ev.status === 'would-change');
    const byField = Object.fromEntries(ev.changes.map((c) => [c.field, `${c.before ?? ''} -> ${c.after ?? ''}`]));
    assert.deepEqual(Object.keys(byField), ['stop etcd', 'old data dir', 'restore', 'record', 'start etcd']);
    assert.match(byField['old data dir']!, /^\/var\/lib\/etcd -> \/var\/lib\/etcd\.before-restore-\d{8}T\d{6}Z \(kept\)$/);
    assert.match(
      byField['restore']!,
      /revision 42, taken 2026-12-02T08:00:00Z from etcd-2.* member etcd-2 https:\/\/10\.0\.0\.22:2380, cluster etcd-1=https:\/\/10\.0\.0\.21:2380,etcd-2=https:\/\/10\.0\.0\.22:2380,etcd-3=https:\/\/10\.0\.0\.23:2380, token demo-etcd-\d{8}t\d{6}z$/,
    );
    assert.equal(host.commands.length, 0, 'check mode ran nothing');
  });

  it('every member gets the same new token, unlike the bootstrap one', async () => {
    const inv = inventory(spec(good));
    const tokens = await Promise.all(
      ['etcd-1', 'etcd-2', 'etcd-3'].map(async (n) => {
        const r = await runOn(FakeHost.debian(n), restore, n, { inv, mode: 'check' });
        const ev = r.events.find((e) => e.kind === 'resource');
        return ev?.kind === 'resource' ? /token (\S+)$/.exec(ev.changes.find((c) => c.field === 'restore')?.after ?? '')?.[1] : undefined;
      }),
    );
    assert.match(tokens[0] ?? '', /^demo-etcd-\d{8}t\d{6}z$/);
    assert.deepEqual(new Set(tokens).size, 1);
    assert.ok(restoreArgs(plan(inv, 'etcd-1')).includes('--initial-cluster-token=demo-etcd-new'));
  });

  it('the member script restores into staging before stopping anything, moves the old dir aside, never deletes it', () => {
    const s = restoreScript(plan(inventory(spec(good)), 'etcd-3'));
    const at = (re: RegExp) => s.split('\n').findIndex((l) => re.test(l));
    assert.ok(at(/sha256sum -c/) === 0);
    assert.ok(at(/offline 'snapshot' 'restore'/) < at(/^systemctl stop etcd$/));
    assert.ok(at(/^systemctl stop etcd$/) < at(/mv -- \/var\/lib\/etcd \/var\/lib\/etcd\.before-restore-S1/));
    assert.ok(at(/mv -- \/var\/lib\/etcd\.restore-S1 \/var\/lib\/etcd$/) < at(/^systemctl start etcd$/));
    assert.equal(/rm -rf -- \/var\/lib\/etcd(\s|$)/.test(s), false);
    assert.match(
      s,
      /'--name=etcd-3' '--initial-cluster=etcd-1=https:\/\/10\.0\.0\.21:2380,etcd-2=https:\/\/10\.0\.0\.22:2380,etcd-3=https:\/\/10\.0\.0\.23:2380' '--initial-cluster-token=demo-etcd-new' '--initial-advertise-peer-urls=https:\/\/10\.0\.0\.23:2380'/,
    );
    assert.match(s, /if \[ -x \/usr\/bin\/etcdutl \]; then \/usr\/bin\/etcdutl "\$@"; else ETCDCTL_API=3 \/usr\/bin\/etcdctl "\$@"; fi/);
  });
});

function plan(inv: ReturnType<typeof inventory>, name: string): RestorePlan {
  const r = forHost(restore, name, { inv });
  const all = members(r.vars, r.cluster);
  return {
    vars: r.vars,
    me: all.find((m) => m.name === name)!,
    all,
    remote: '/var/tmp/s.db',
    sha256: sha('SNAPSHOT'),
    token: 'demo-etcd-new',
    stamp: 'S1',
    record: {},
  };
}
