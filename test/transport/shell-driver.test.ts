/**
 * The shell driver for real: its scripts run under this machine's /bin/sh (dash) through a child-process
 * Connection, on a temp directory only - no system path is touched.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'mocha';
import type { RunClaim } from '../../lib/core/driver.js';
import type { FileState } from '../../lib/core/ops.js';
import { secret } from '../../lib/core/secret.js';
import { absent, artifact, command, directory, file, line, pkg, template } from '../../lib/resources/index.js';
import { changedIds, changesById, converge, FakeHost } from '../../lib/testing/index.js';
import { localConnection } from '../../lib/transport/local.js';
import { shellDriver } from '../../lib/transport/shell-driver.js';
import { ChildConnection } from './shell-child-connection.js';

const mode = (p: string) => statSync(p).mode & 0o7777;

describe('shell driver on this machine', function () {
  this.timeout(20000);
  let d: string;
  before(() => {
    d = mkdtempSync(join(tmpdir(), 'tsplay-shell-'));
  });
  after(() => rmSync(d, { recursive: true, force: true }));

  it('converges files, dirs, attrs, line edits and guarded commands: 3 round trips, then none to change', async () => {
    const nasty = `quotes ' " \` $(id) $HOME \\ \n\ttabs\nno final newline ✓`;
    const conn = new ChildConnection();
    const driver = shellDriver(conn);
    writeFileSync(join(d, 'hosts'), '127.0.0.1 localhost\n10.0.0.9 old\n');
    const rs = [
      directory({ path: `${d}/etc/app`, mode: 0o750, owner: 'nobody' }),
      file({ path: `${d}/etc/app/nasty.txt`, content: nasty, mode: 0o640 }),
      file({ path: `${d}/etc/app/blob`, content: new Uint8Array([0, 255, 10, 13, 0]) }),
      file({ path: `${d}/etc/app/token`, content: secret('a-secret-token-123'), mode: 0o600 }),
      template(`${d}/etc/app/conf.yaml`, (v: { port: number }) => `port: ${v.port}\n`, { port: 2379 }),
      line({ path: `${d}/hosts`, line: '10.0.0.9 node1', match: /^10\.0\.0\.9\s/ }),
      line({ path: `${d}/etc/app/new.env`, line: 'A=1' }),
      command({ command: `echo ran >> ${d}/ran.log; touch ${d}/done`, creates: `${d}/done` }),
      command({ command: `echo unless >> ${d}/ran.log`, unless: `grep -q unless ${d}/ran.log` }),
    ];
    const { first, applied, second } = await converge(driver, rs);
    assert.equal(applied.failure, undefined, applied.failure?.stderr);
    assert.deepEqual(
      changedIds(first),
      rs.map((r) => r.id),
    );
    assert.deepEqual(changesById(first)[`line:${d}/hosts:^10\\.0\\.0\\.9\\s`], [
      { field: 'content', diff: { before: '127.0.0.1 localhost\n10.0.0.9 old\n', after: '127.0.0.1 localhost\n10.0.0.9 node1\n' } },
    ]);
    assert.deepEqual(changedIds(second), []);
    assert.equal(driver.roundTrips, 3);
    assert.deepEqual(conn.commands, ['sh -s', 'sh -s', 'sh -s'], 'scripts travel on stdin, nothing on the command line');
    assert.equal(readFileSync(`${d}/etc/app/nasty.txt`, 'utf8'), nasty);
    assert.deepEqual([...readFileSync(`${d}/etc/app/blob`)], [0, 255, 10, 13, 0]);
    assert.equal(readFileSync(`${d}/etc/app/token`, 'utf8'), 'a-secret-token-123');
    assert.equal(mode(`${d}/etc/app/token`), 0o600);
    assert.equal(mode(`${d}/etc/app/nasty.txt`), 0o640);
    assert.equal(mode(`${d}/etc/app/conf.yaml`), 0o644);
    assert.equal(mode(`${d}/etc/app`), 0o750);
    assert.equal(
      execFileSync('stat', ['-c', '%U', `${d}/etc/app`])
        .toString()
        .trim(),
      'nobody',
    );
    assert.equal(readFileSync(`${d}/hosts`, 'utf8'), '127.0.0.1 localhost\n10.0.0.9 node1\n');
    assert.equal(readFileSync(`${d}/ran.log`, 'utf8'), 'ran\nunless\n');
    assert.deepEqual(
      readdirSync(`${d}/etc/app`).filter((f) => f.includes('tsplay')),
      [],
      'no temp files left',
    );
  });

  it('content drift shows a diff; mode drift is fixed in place; absent removes', async () => {
    const driver = shellDriver(new ChildConnection());
    writeFileSync(`${d}/drift`, 'a=1\n');
    chmodSync(`${d}/drift`, 0o666);
    const rs = [file({ path: `${d}/drift`, content: 'a=2\n', mode: 0o644 }), absent({ path: `${d}/etc` })];
    const { first, second } = await converge(driver, rs);
    assert.deepEqual(changesById(first)[`file:${d}/drift`], [
      { field: 'content', diff: { before: 'a=1\n', after: 'a=2\n' } },
      { field: 'mode', before: '0666', after: '0644' },
    ]);
    assert.equal(existsSync(`${d}/etc`), false);
    assert.deepEqual(changedIds(second), []);
  });

  it('answers read-only system queries (packages, module, sysctl, user) without touching anything', async () => {
    const driver = shellDriver(new ChildConnection());
    const [pkgs, user, nobody, sysctl, facts] = await driver.query([
      { q: 'packages', names: ['coreutils', 'no-such-package'] },
      { q: 'user', name: 'root' },
      { q: 'group', name: 'no-such-group' },
      { q: 'sysctl', key: 'kernel.ostype' },
      { q: 'facts' },
    ]);
    assert.match(String((pkgs as Record<string, string>)['coreutils']), /^\d/);
    assert.equal((pkgs as Record<string, null>)['no-such-package'], null);
    assert.equal((user as { uid: number }).uid, 0);
    assert.equal(nobody, null);
    assert.equal(sysctl, 'Linux');
    assert.equal((facts as { os: { family: string } }).os.family, 'debian');
    const r = pkg({ names: ['coreutils'] });
    const { first } = await converge(driver, [r]);
    assert.deepEqual(changedIds(first), [], 'an installed package needs nothing');
  });

  it('a failing group is named with its exit code and stderr; later groups do not run', async () => {
    const driver = shellDriver(new ChildConnection());
    const res = await driver.act([
      [{ a: 'write', path: `${d}/g0`, content: 'ok' }],
      [
        { a: 'command', command: 'echo first-line >&2; false' },
        { a: 'write', path: `${d}/never1`, content: '' },
      ],
      [{ a: 'write', path: `${d}/never2`, content: '' }],
    ]);
    assert.deepEqual(res, { ok: false, failedGroup: 1, exitCode: 1, stderr: 'first-line' });
    assert.ok(existsSync(`${d}/g0`) && !existsSync(`${d}/never1`) && !existsSync(`${d}/never2`));
  });

  it('uploads artifacts with put, mkdir first when the directory is new, and extracts tars on the host', async () => {
    const src = join(d, 'src');
    execFileSync('mkdir', ['-p', `${src}/pkg`]);
    writeFileSync(`${src}/pkg/tool`, '#!/bin/sh\necho tool\n');
    writeFileSync(`${src}/pkg/other`, 'x');
    execFileSync('tar', ['-czf', `${d}/pkg.tgz`, '-C', src, 'pkg']);
    const sum = createHash('sha256')
      .update(readFileSync(`${d}/pkg.tgz`))
      .digest('hex');
    const conn = new ChildConnection();
    const driver = shellDriver(conn);
    const r = artifact({
      url: pathToFileURL(`${d}/pkg.tgz`).href,
      sha256: sum,
      extract: { files: ['pkg/tool'], dest: `${d}/opt/bin` },
      cacheDir: `${d}/cache`,
    });
    const { applied, second } = await converge(driver, [r]);
    assert.equal(applied.failure, undefined, applied.failure?.stderr);
    assert.equal(execFileSync(`${d}/opt/bin/tool`).toString(), 'tool\n');
    assert.deepEqual(changedIds(second), []);
    assert.deepEqual(conn.commands, ['sh -s', 'sh -s', `put ${d}/opt/bin/tool`, 'sh -s']);
    const res = await driver.act([
      [
        { a: 'mkdir', path: `${d}/x` },
        { a: 'write', path: `${d}/x/pkg.tgz`, content: readFileSync(`${d}/pkg.tgz`) },
        { a: 'extract', archive: `${d}/x/pkg.tgz`, dest: `${d}/x/out`, files: ['pkg/other'], mode: 0o600 },
      ],
    ]);
    assert.deepEqual(res, { ok: true });
    assert.equal(readFileSync(`${d}/x/out/other`, 'utf8'), 'x');
    assert.equal(mode(`${d}/x/out/other`), 0o600);
  });

  it('the fake host and the real shell agree on what changes, before and after', async () => {
    const base = `${d}/parity`;
    const rs = () => [
      directory({ path: `${base}/conf.d`, mode: 0o755 }),
      file({ path: `${base}/conf.d/a.conf`, content: 'a\n', mode: 0o600 }),
      file({ path: `${base}/bin`, content: new Uint8Array([1, 2, 3]) }),
      line({ path: `${base}/hosts`, line: '10.0.0.1 n1', match: /\sn1$/ }),
      absent({ path: `${base}/old` }),
    ];
    execFileSync('mkdir', ['-p', `${base}/old`]);
    writeFileSync(`${base}/hosts`, '127.0.0.1 localhost\n10.0.0.2 n1\n');
    const fake = FakeHost.debian().seedDir(`${base}/old`).seedFile(`${base}/hosts`, '127.0.0.1 localhost\n10.0.0.2 n1\n');
    const real = await converge(shellDriver(new ChildConnection()), rs());
    const faked = await converge(fake, rs());
    assert.deepEqual(changesById(faked.first), changesById(real.first));
    assert.deepEqual(changesById(faked.second), changesById(real.second));
    assert.equal(fake.read(`${base}/hosts`), readFileSync(`${base}/hosts`, 'utf8'));
  });

  it('a file query of a big file returns the hash but not the content', async () => {
    writeFileSync(`${d}/big`, 'z'.repeat(100_000));
    const [st] = (await shellDriver(new ChildConnection()).query([{ q: 'file', path: `${d}/big`, content: 65536, sha256: true }])) as FileState[];
    assert.equal(st?.content, undefined);
    assert.equal(st?.sha256, createHash('sha256').update('z'.repeat(100_000)).digest('hex'));
  });
});

describe("shell driver: a run's state on this machine (lock, journal, temp files)", function () {
  this.timeout(20000);
  let d: string;
  before(() => {
    d = mkdtempSync(join(tmpdir(), 'tsplay-state-'));
  });
  after(() => rmSync(d, { recursive: true, force: true }));
  const claim = (id: string, more: Partial<RunClaim> = {}): RunClaim => ({
    id,
    controller: 'ctl',
    pid: 7,
    startedAt: '2026-12-02T07:00:00.000Z',
    lockTimeoutMs: 5000,
    sweep: [],
    ...more,
  });
  const driver = (state = `${d}/state`) => shellDriver(localConnection('here'), { stateDir: state });

  it('a group records its notes before its done marker, and only when it succeeded; the next run reads them with its first query', async () => {
    const a = driver();
    const res = await a.act([[{ a: 'write', path: `${d}/one`, content: '1' }], [{ a: 'command', command: 'exit 3' }]], {
      notes: new Map([
        [0, { pend: ['app.restart%20app'] }],
        [1, { pend: ['app.never'] }],
      ]),
    });
    assert.equal(res.ok, false);
    assert.deepEqual(readdirSync(`${d}/state/pending`), ['app.restart%20app']);
    const b = driver();
    const session = b.begin!(claim('r1'));
    await b.query([{ q: 'file', path: `${d}/one` }]);
    assert.deepEqual((await session).pending, ['app.restart%20app']);
    assert.equal(b.roundTrips, 1, 'the journal rides along with the first query');
    await b.act([[{ a: 'command', command: 'true' }]], { notes: new Map([[0, { clear: ['app.restart%20app'] }]]) });
    assert.deepEqual(readdirSync(`${d}/state/pending`), []);
    await b.close();
  });

  it('a failing chown leaves no temp file: the script removes its own temps however it ends', async () => {
    execFileSync('mkdir', ['-p', `${d}/w`]);
    const res = await driver().act([[{ a: 'write', path: `${d}/w/o`, content: 'x', owner: 'tsplay-no-such-user' }]]);
    assert.equal(res.ok, false);
    assert.match(res.ok ? '' : res.stderr, /invalid user/);
    assert.deepEqual(readdirSync(`${d}/w`), []);
  });

  it('the first query of a run sweeps leftover temps beside its paths (files and extract dirs), nothing else', async () => {
    execFileSync('mkdir', ['-p', `${d}/s/.tsplay-x-0123456789abcdef-0-1`, `${d}/elsewhere`]);
    for (const f of ['s/.app.conf.tsplay-0123456789ab', 's/.keep', 's/app.conf', 'elsewhere/.x.tsplay-0123456789ab']) writeFileSync(`${d}/${f}`, 'x');
    const b = driver();
    const session = b.begin!(claim('r2', { sweep: [`${d}/s`] }));
    await b.query([]);
    await session;
    assert.deepEqual(readdirSync(`${d}/s`).sort(), ['.keep', 'app.conf']);
    assert.deepEqual(readdirSync(`${d}/elsewhere`), ['.x.tsplay-0123456789ab']);
    await b.close();
  });

  it('a second run waits for the first; past --lock-timeout it fails naming the holder; once released it goes on', async () => {
    const first = driver(`${d}/lock`);
    const s1 = first.begin!(claim('first-run', { controller: 'ctl-a', pid: 111 }));
    await first.query([]);
    await s1;
    const second = driver(`${d}/lock`);
    const s2 = second.begin!(claim('second-run', { lockTimeoutMs: 300 }));
    s2.catch(() => undefined);
    const t0 = Date.now();
    await assert.rejects(second.query([]), (e: Error) => {
      assert.equal(e.name, 'HostBusy');
      assert.match(
        e.message,
        /here is busy: another tsplay run holds its lock \(run first-run from ctl-a pid 111 started 2026-12-02T07:00:00.000Z\); gave up after 0.3 s/,
      );
      return true;
    });
    assert.ok(Date.now() - t0 >= 250, 'it waited');
    await assert.rejects(s2);
    const third = driver(`${d}/lock`);
    const s3 = third.begin!(claim('third-run'));
    const waiting = third.query([]);
    await new Promise((r) => setTimeout(r, 100));
    await first.close();
    await waiting;
    await s3;
    assert.match(readFileSync(`${d}/lock/lock`, 'utf8'), /^run third-run from ctl pid 7/);
    await third.close();
  });

  it('the same run reaching one machine under two inventory names shares its lock instead of waiting for itself', async () => {
    const a = driver(`${d}/twice`);
    const sa = a.begin!(claim('one-run'));
    await a.query([]);
    await sa;
    const b = driver(`${d}/twice`);
    const sb = b.begin!(claim('one-run', { lockTimeoutMs: 5000 }));
    const t0 = Date.now();
    await b.query([]);
    await sb;
    assert.ok(Date.now() - t0 < 2000, `it did not wait for itself (${Date.now() - t0} ms)`);
    // Another run still waits, and is told who holds the machine.
    const other = driver(`${d}/twice`);
    const so = other.begin!(claim('other-run', { lockTimeoutMs: 200 }));
    so.catch(() => undefined);
    await assert.rejects(other.query([]), /holds its lock \(run one-run /);
    await Promise.all([a.close(), b.close(), other.close()]);
  });
});
