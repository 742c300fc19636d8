/**
 * End to end, with the lab's real etcd 3.4 (issue #12): write keys, back up (playbooks/etcd-backup.ts),
 * refuse a tampered snapshot before any host is touched, lose the quorum (every member stopped and its
 * data wiped), restore (playbooks/etcd-restore.ts), read every key back, and a second etcd.ts run changes
 * nothing. Prints the time each operation took.
 *
 * Default: the CI cluster's etcd on lab-1..3 (test/fixtures/inventory/lab-standins.ts, converged by
 * cluster.test.ts, which runs first). TSPLAY_ETCD_E2E=dev: a 3-member etcd of its own on lab-8..10
 * (test/fixtures/inventory/lab-etcd-dev.ts), converged here.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onHost, requireLab } from '../integration/lab-hosts.js';
import { failures, sum, tsplayJson, type Outcome } from './cli.js';

const DEV = process.env.TSPLAY_ETCD_E2E === 'dev';
const INVENTORY = DEV ? 'test/fixtures/inventory/lab-etcd-dev.ts' : 'test/fixtures/inventory/lab-standins.ts';
const MEMBERS = DEV ? ['lab-8', 'lab-9', 'lab-10'] : ['lab-1', 'lab-2', 'lab-3'];
const CLUSTER = DEV ? 'etcddev' : 'lab';
const KEYS = 100;
const PREFIX = `/tsplay-e2e/${Date.now()}/`;
const ETCDCTL = 'set -a; . /etc/etcd/etcdctl.env; set +a; etcdctl';

const on = async (host: string, cmd: string) => {
  const r = await onHost(host, cmd);
  assert.equal(r.code, 0, `${host}: ${cmd}\n${r.out}`);
  return r.out;
};
const took = (what: string, o: Outcome) => console.log(`      ${what}: ${(o.ms / 1000).toFixed(1)} s (exit ${o.code}, ${sum(o, 'roundTrips')} round trips)`);

describe(`e2e: etcd backup and restore (${DEV ? 'lab-8..10' : 'the cluster on lab-1..3'})`, function () {
  this.timeout(600_000);
  let dir: string;
  let snapshot: string;

  before(async function () {
    await requireLab(this, DEV ? 10 : 7);
    dir = mkdtempSync(join(tmpdir(), 'tsplay-etcd-backups-'));
    if (DEV) {
      const up = await tsplayJson(['run', 'playbooks/etcd.ts', '-i', INVENTORY]);
      assert.equal(up.code, 0, failures(up));
    }
    // KEYS keys, each with a value of its own, in one etcdctl txn-free loop on the first member.
    await on(
      MEMBERS[0]!,
      `${ETCDCTL.replace(/etcdctl$/, '')} i=0; while [ $i -lt ${KEYS} ]; do etcdctl put ${PREFIX}k$i v$i-$(echo $i | sha256sum | cut -c1-8) >/dev/null; i=$((i+1)); done`,
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('backup: check mode names one member and changes nothing; the run lands snapshot and sidecar, sha256 matching', async () => {
    const check = await tsplayJson(['run', 'playbooks/etcd-backup.ts', '-i', INVENTORY, '-e', `etcd_backup_dir=${dir}`, '--check']);
    took('backup --check', check);
    assert.equal(check.code, 0, failures(check));
    assert.equal(sum(check, 'changed'), 1, 'exactly one member would be snapshotted');
    assert.deepEqual(readdirSync(dir), []);
    const run = await tsplayJson(['run', 'playbooks/etcd-backup.ts', '-i', INVENTORY, '-e', `etcd_backup_dir=${dir}`]);
    took('backup', run);
    assert.equal(run.code, 0, failures(run));
    const files = readdirSync(dir).sort();
    assert.equal(files.length, 2, files.join(' '));
    assert.match(files[0]!, new RegExp(`^${CLUSTER}-\\d{8}T\\d{6}Z\\.db$`));
    snapshot = join(dir, files[0]!);
    const side = JSON.parse(readFileSync(`${snapshot}.json`, 'utf8')) as { sha256: string; revision: number; member: string; etcd_version: string };
    assert.equal(createHash('sha256').update(readFileSync(snapshot)).digest('hex'), side.sha256);
    assert.ok(side.revision >= KEYS, `revision ${side.revision}`);
    assert.ok(MEMBERS.includes(side.member));
    console.log(`      snapshot: ${readFileSync(snapshot).length} bytes, revision ${side.revision}, from ${side.member}, etcd ${side.etcd_version}`);
    for (const m of MEMBERS) assert.equal((await on(m, 'ls /var/tmp | grep -c tsplay-etcd-snapshot- || true')).trim(), '0', `${m} keeps no snapshot`);
  });

  it('restore refuses a tampered snapshot before any host is touched, saying why', async () => {
    const bad = join(dir, 'tampered.db');
    copyFileSync(snapshot, bad);
    copyFileSync(`${snapshot}.json`, `${bad}.json`);
    const bytes = readFileSync(bad);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    writeFileSync(bad, bytes);
    const r = await tsplayJson(['run', 'playbooks/etcd-restore.ts', '-i', INVENTORY, '-e', `etcd_restore_snapshot=${bad}`]);
    took('restore of a tampered snapshot (refused)', r);
    assert.equal(r.code, 1, failures(r));
    assert.match(r.stderr + JSON.stringify(r.events), /does not match its sidecar/);
    assert.equal(
      r.events.some((e) => e.kind === 'resource'),
      false,
      'no host was checked',
    );
    rmSync(bad);
    rmSync(`${bad}.json`);
  });

  it('after the quorum is lost (every member stopped, data wiped), restore brings back every key; etcd.ts then changes nothing', async () => {
    const check = await tsplayJson(['run', 'playbooks/etcd-restore.ts', '-i', INVENTORY, '-e', `etcd_restore_snapshot=${snapshot}`, '--check']);
    took('restore --check', check);
    assert.equal(check.code, 0, failures(check));
    assert.equal(sum(check, 'changed'), MEMBERS.length);
    const wiped = Date.now();
    await Promise.all(MEMBERS.map((m) => on(m, 'systemctl stop etcd && rm -rf /var/lib/etcd/member')));
    console.log(`      stop and wipe every member: ${((Date.now() - wiped) / 1000).toFixed(1)} s`);
    const restore = await tsplayJson(['run', 'playbooks/etcd-restore.ts', '-i', INVENTORY, '-e', `etcd_restore_snapshot=${snapshot}`]);
    took('restore', restore);
    assert.equal(restore.code, 0, failures(restore));
    for (const m of MEMBERS) {
      const out = await on(m, `${ETCDCTL} get --prefix ${PREFIX} -w simple`);
      const lines = out.trim().split('\n');
      assert.equal(lines.length, 2 * KEYS, `${m} reads ${lines.length / 2} keys back`);
      for (let i = 0; i < lines.length; i += 2) {
        const n = /k(\d+)$/.exec(lines[i]!)![1]!;
        assert.match(lines[i + 1]!, new RegExp(`^v${n}-[0-9a-f]{8}$`));
      }
      assert.match(await on(m, 'ls -d /var/lib/etcd.before-restore-*'), /before-restore-\d{8}T\d{6}Z/, 'old data dir kept');
    }
    const again = await tsplayJson(['run', 'playbooks/etcd.ts', '-i', INVENTORY]);
    took('etcd.ts after the restore', again);
    assert.equal(again.code, 0, failures(again));
    assert.equal(sum(again, 'changed'), 0, 'etcd.ts fights nothing the restore did');
    await on(MEMBERS[0]!, `${ETCDCTL} del --prefix ${PREFIX} >/dev/null`);
  });
});
