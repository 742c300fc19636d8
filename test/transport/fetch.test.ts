/**
 * The fetch action: a host's file copied to the controller, verified against the sha256 the host
 * computes, landed by temp + rename, with older fetched sets pruned only once the new one is in place.
 * Through the shell driver on this machine (ChildConnection) and on the fake host.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import type { Connection } from '../../lib/core/connection.js';
import { landFetched, prunable } from '../../lib/core/fetched.js';
import { FakeHost } from '../../lib/testing/index.js';
import { planSteps } from '../../lib/transport/shell-act.js';
import { shellDriver } from '../../lib/transport/shell-driver.js';
import { ChildConnection } from './shell-child-connection.js';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const KEEP = { match: '^snap-(\\d+)\\.(?:db|json)$', count: 2 };

describe('fetch: host file to the controller', function () {
  this.timeout(20000);
  let d: string;
  before(() => {
    d = mkdtempSync(join(tmpdir(), 'tsplay-fetch-'));
  });
  after(() => rmSync(d, { recursive: true, force: true }));

  it('runs after the script that makes the file, and what follows it runs after', () => {
    const steps = planSteps([
      [
        { a: 'command', command: 'make it' },
        { a: 'fetch', path: '/var/tmp/s', to: '/c/s' },
        { a: 'remove', path: '/var/tmp/s' },
      ],
    ]);
    assert.deepEqual(
      steps.map((s) => s.kind),
      ['script', 'fetch', 'script'],
    );
  });

  it('shell driver: the file made by the same apply lands on the controller, and the remote copy goes', async () => {
    const remote = join(d, 'remote.db');
    const to = join(d, 'backups', 'snap-3.db');
    const driver = shellDriver(new ChildConnection());
    const r = await driver.act([
      [
        { a: 'command', command: `printf 'snapshot bytes' > '${remote}'` },
        { a: 'fetch', path: remote, to },
        { a: 'remove', path: remote },
      ],
    ]);
    assert.deepEqual(r, { ok: true });
    assert.equal(readFileSync(to, 'utf8'), 'snapshot bytes');
    assert.equal(existsSync(remote), false);
    assert.deepEqual(readdirSync(join(d, 'backups')), ['snap-3.db'], 'no temp left beside it');
  });

  it('shell driver: bytes that differ from what the host hashed are refused, and nothing is under the final name', async () => {
    const remote = join(d, 'flipped.db');
    writeFileSync(remote, 'on the host');
    const conn = new ChildConnection();
    // A transport that corrupts what it reads: the host's sha256sum no longer matches.
    const lying: Connection = {
      host: conn.host,
      exec: (c, o) => conn.exec(c, o),
      put: (p, f, o) => conn.put(p, f, o),
      get: async () => Buffer.from('on the wire'),
      close: () => conn.close(),
    };
    const to = join(d, 'lies', 'snap-1.db');
    const r = await shellDriver(lying).act([[{ a: 'fetch', path: remote, to }]]);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.stderr : '', /fetch of .*flipped\.db failed: fetched 11 bytes hash to sha256 [0-9a-f]{64}, not the [0-9a-f]{64} the host computed/);
    assert.equal(existsSync(join(d, 'lies')) && readdirSync(join(d, 'lies')).length > 0, false);
  });

  it('shell driver: a missing file fails its group, naming it', async () => {
    const r = await shellDriver(new ChildConnection()).act([[{ a: 'fetch', path: join(d, 'nope'), to: join(d, 'x') }]]);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.stderr : '', /fetch of .*nope failed: .*No such file/);
  });

  it('keep: older sets go once the new one is complete, whole sets (snapshot and sidecar) at a time', () => {
    const dir = join(d, 'keep');
    for (const n of ['snap-1.db', 'snap-1.json', 'snap-2.db', 'snap-2.json', 'other.txt']) landFetched(join(dir, n), Buffer.from(n), sha(n));
    const pruned = landFetched(join(dir, 'snap-3.db'), Buffer.from('x'), sha('x'), KEEP);
    assert.deepEqual(pruned, ['snap-1.db', 'snap-1.json']);
    assert.deepEqual(readdirSync(dir).sort(), ['other.txt', 'snap-2.db', 'snap-2.json', 'snap-3.db']);
  });

  it('keep: a failed landing prunes nothing', () => {
    const dir = join(d, 'keep-failed');
    for (const n of ['snap-1.db', 'snap-2.db']) landFetched(join(dir, n), Buffer.from(n), sha(n));
    assert.throws(() => landFetched(join(dir, 'snap-3.db'), Buffer.from('x'), sha('y'), { ...KEEP, count: 1 }), /not kept/);
    assert.deepEqual(readdirSync(dir).sort(), ['snap-1.db', 'snap-2.db']);
  });

  it('prunable: by set key, newest kept, never fewer than one', () => {
    assert.deepEqual(prunable(['snap-10.db', 'snap-09.db', 'snap-11.json', 'x'], { match: KEEP.match, count: 0 }), ['snap-09.db', 'snap-10.db']);
  });

  it('fake host: lands the file as the shell driver does; a missing one fails the group', async () => {
    const host = FakeHost.debian('h').seedFile('/var/tmp/s.db', 'fake snapshot');
    const to = join(d, 'fake', 'snap-1.db');
    assert.deepEqual(await host.act([[{ a: 'fetch', path: '/var/tmp/s.db', to }]]), { ok: true });
    assert.equal(readFileSync(to, 'utf8'), 'fake snapshot');
    const r = await host.act([[{ a: 'fetch', path: '/var/tmp/none', to }]]);
    assert.equal(r.ok, false);
  });
});
