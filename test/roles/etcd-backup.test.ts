/**
 * etcd-backup on fake hosts: which member is snapshotted, what check mode says, the files that land on
 * the controller (snapshot, sidecar) and retention.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import { FakeHost } from '../../lib/testing/index.js';
import { chooseMember, parseHealth } from '../../roles/etcd-backup/choose.js';
import { REMOTE_PREFIX, snapshotScript } from '../../roles/etcd-backup/commands.js';
import backup from '../../roles/etcd-backup/index.js';
import { setPattern, snapshotName, stamp } from '../../roles/etcd-backup/names.js';
import { members } from '../../roles/etcd/members.js';
import { defaults as etcdDefaults } from '../../roles/etcd/vars.js';
import { forHost, inventory, runOn } from './helpers.js';

const URLS = ['https://10.0.0.21:2379', 'https://10.0.0.22:2379', 'https://10.0.0.23:2379'];
const health = (sick: readonly string[] = []) =>
  JSON.stringify(
    URLS.map((endpoint) => ({ endpoint, health: !sick.includes(endpoint), ...(sick.includes(endpoint) ? { error: 'context deadline exceeded' } : {}) })),
  );

const spec = (dir: string, keep = 7): InventorySpec => ({
  hosts: { 'etcd-1': { address: '10.0.0.21' }, 'etcd-2': { address: '10.0.0.22' }, 'etcd-3': { address: '10.0.0.23' } },
  groups: { etcd: { hosts: ['etcd-1', 'etcd-2', 'etcd-3'] }, masters: { hosts: ['etcd-1'] }, workers: { hosts: ['etcd-1'] } },
  vars: { cluster_name: 'demo', etcd_backup_dir: dir, etcd_backup_keep: keep },
});

/** A member whose etcdctl answers the health query, and whose snapshot save writes the files the script would. */
function member(name: string, answer: string): FakeHost {
  const h = FakeHost.debian(name).script(/endpoint health --cluster -w json$/, { stdout: answer });
  return h.script(/snapshot save/, (cmd) => {
    const remote = /snapshot save (\S+)/.exec(cmd)![1]!;
    h.seedFile(remote, 'SNAPSHOT BYTES');
    h.seedFile(`${remote}.json`, '{"cluster":"demo"}\n');
  });
}

const changedOn = (r: Awaited<ReturnType<typeof runOn>>) =>
  r.events.flatMap((e) => (e.kind === 'resource' && (e.status === 'changed' || e.status === 'would-change') ? [e] : []));

describe('etcd-backup', () => {
  let d: string;
  before(() => {
    d = mkdtempSync(join(tmpdir(), 'tsplay-backup-'));
  });
  after(() => rmSync(d, { recursive: true, force: true }));

  it('chooses the first healthy member in inventory order, none when none is healthy', () => {
    const inv = inventory(spec(d));
    const all = members({ ...etcdDefaults }, inv.cluster);
    assert.equal(chooseMember(all, parseHealth(health()))?.name, 'etcd-1');
    assert.equal(chooseMember(all, parseHealth(health([URLS[0]!])))?.name, 'etcd-2');
    assert.equal(chooseMember(all, parseHealth(health(URLS))), undefined);
    assert.throws(() => parseHealth('Error: context deadline exceeded'), /etcdctl printed no JSON: Error: context deadline exceeded/);
  });

  it('check mode: only the chosen member would change, naming itself and the file; nothing lands', async () => {
    const dir = join(d, 'check');
    const inv = inventory(spec(dir));
    const one = await runOn(member('etcd-1', health([URLS[0]!])), backup, 'etcd-1', { inv, mode: 'check' });
    const two = await runOn(member('etcd-2', health([URLS[0]!])), backup, 'etcd-2', { inv, mode: 'check' });
    assert.deepEqual(changedOn(one), []);
    const [c] = changedOn(two);
    assert.equal(c?.changes[0]?.before, 'member etcd-2 (https://10.0.0.22:2379)');
    assert.match(c?.changes[0]?.after ?? '', new RegExp(`^${dir}/demo-\\d{8}T\\d{6}Z\\.db \\(\\+ demo-\\d{8}T\\d{6}Z\\.db\\.json\\), keeping the last 7$`));
    assert.equal(existsSync(dir), false);
  });

  it('no healthy member fails the host, saying what etcdctl saw (never a silent no-op)', async () => {
    const r = await runOn(member('etcd-1', health(URLS)), backup, 'etcd-1', { inv: inventory(spec(d)), mode: 'check' });
    assert.match(r.error?.message ?? '', /no member is healthy, nothing to snapshot: https:\/\/10\.0\.0\.21:2379 \(context deadline exceeded\)/);
  });

  it('apply: snapshot and sidecar land on the controller, the member keeps neither, and only the last N sets stay', async () => {
    const dir = join(d, 'keep');
    const old = ['20260101T000000Z', '20260102T000000Z', '20260103T000000Z'];
    for (const s of old)
      for (const f of [`demo-${s}.db`, `demo-${s}.db.json`]) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, f), 'old');
      }
    writeFileSync(join(dir, 'notes.txt'), 'not a backup');
    const host = member('etcd-1', health());
    const r = await runOn(host, backup, 'etcd-1', { inv: inventory(spec(dir, 2)) });
    assert.equal(r.error, undefined);
    const names = readdirSync(dir).sort();
    const fresh = names.filter((n) => !old.some((s) => n.includes(s)) && n !== 'notes.txt');
    assert.equal(fresh.length, 2, names.join(' '));
    assert.deepEqual(
      names.filter((n) => n.includes(old[2]!)),
      [`demo-${old[2]}.db`, `demo-${old[2]}.db.json`],
    );
    assert.equal(
      names.some((n) => n.includes(old[0]!) || n.includes(old[1]!)),
      false,
    );
    assert.ok(names.includes('notes.txt'));
    assert.equal(readFileSync(join(dir, fresh.find((n) => n.endsWith('.db'))!), 'utf8'), 'SNAPSHOT BYTES');
    assert.equal(
      [...host.fs.nodes.keys()].some((p) => p.includes(REMOTE_PREFIX)),
      false,
    );
  });

  it('the member script: snapshot save from its loopback endpoint, status through etcdutl where installed, sidecar with sha256 and revision', () => {
    const r = forHost(backup, 'etcd-2', { inv: inventory(spec(d)) });
    const me = members(r.vars, r.cluster)[1]!;
    const s = snapshotScript(r.vars, me, 'demo', 'demo-x.db');
    assert.match(s, /^rm -f -- \/var\/tmp\/tsplay-etcd-snapshot-\*$/m);
    assert.match(
      s,
      /etcdctl --endpoints=https:\/\/127\.0\.0\.1:2379 .*--cert=\/etc\/kubernetes\/pki\/etcd\/healthcheck-client\.crt .* snapshot save \/var\/tmp\/tsplay-etcd-snapshot-demo-x\.db/,
    );
    assert.match(s, /if \[ -x \/usr\/bin\/etcdutl \]; then \/usr\/bin\/etcdutl "\$@"; else ETCDCTL_API=3 \/usr\/bin\/etcdctl "\$@"; fi/);
    assert.match(s, /"revision":%s.*"sha256":"%s","bytes":%s/);
  });

  it("names sort by time and retention matches only this cluster's sets", () => {
    assert.equal(stamp(new Date('2026-12-02T08:15:00.123Z')), '20261202T081500Z');
    assert.equal(snapshotName('demo', new Date('2026-12-02T08:15:00Z')), 'demo-20261202T081500Z.db');
    const re = new RegExp(setPattern('a.b'));
    assert.equal(re.exec('a.b-20261202T081500Z.db.json')?.[1], '20261202T081500Z');
    assert.equal(re.test('axb-20261202T081500Z.db'), false);
  });
});
