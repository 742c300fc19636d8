/** The warm daemon and its clients, in process over a real unix socket, against a fake dialer (no network). */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BecomeError, ConfigError, TransportError, TsplayError } from '../../lib/core/errors.js';
import type { Host } from '../../lib/core/model.js';
import { secret } from '../../lib/core/secret.js';
import { buildId } from '../../lib/transport/warm/build-id.js';
import { WarmClient } from '../../lib/transport/warm/client.js';
import { openWarm } from '../../lib/transport/warm/connection.js';
import { serveWarm, type WarmDaemon } from '../../lib/transport/warm/daemon.js';
import { SOCKET_NAME, dirProblem, privateDir } from '../../lib/transport/warm/paths.js';
import { FrameDecoder, encodeFrame, errorFromWire, errorToWire } from '../../lib/transport/warm/protocol.js';
import { reachDaemon } from '../../lib/transport/warm/spawn.js';
import { FakeDialer, GOOD_PW } from './warm-fake.js';

const host = (name: string, extra: Partial<Host> = {}): Host => ({
  name,
  address: `10.0.0.${name.length}`,
  port: 22,
  user: 'deploy',
  transport: 'ssh',
  groups: [],
  vars: {},
  ...extra,
});
const ssh = { knownHosts: '/nonexistent/known_hosts', agent: '' };

// Secrets are remembered process-wide and masked in every later message: never a plain word ('wrong' masked
// "wrong passphrase" in the vault tests that run after these).
const BAD_PW = 'pw-bad-9c1e';

describe('warm connections: protocol', () => {
  it('frames survive any chunking, bodies stay bytes', () => {
    const a = encodeFrame({ id: 1, op: 'exec' }, new Uint8Array([0, 255, 10]));
    const b = encodeFrame({ id: 2, op: 'get' });
    const all = Buffer.concat([a, b]);
    for (let cut = 1; cut < all.length; cut++) {
      const d = new FrameDecoder();
      const frames = [...d.push(all.subarray(0, cut)), ...d.push(all.subarray(cut))];
      assert.deepEqual(
        frames.map((f) => [f.header.id, f.body && [...f.body]]),
        [
          [1, [0, 255, 10]],
          [2, undefined],
        ],
      );
    }
  });

  it('refuses an absurd header length', () => {
    const bad = Buffer.alloc(8);
    bad.writeUInt32BE(0xffffffff, 0);
    assert.throws(() => new FrameDecoder().push(bad), /frame header/);
  });

  it('errors cross as their own class, host and message', () => {
    const cases = [
      new TransportError('web-1', 'cannot connect to deploy@10.0.0.1:22: refused'),
      new BecomeError('web-1', 'deploy', 'sudo refused the become password'),
      new ConfigError('bad key', 'inventory'),
      new TsplayError('[web-1] cannot write /etc/x (exit 1)'),
    ];
    for (const e of cases) {
      const back = errorFromWire(JSON.parse(JSON.stringify(errorToWire(e))));
      assert.equal(back.constructor, e.constructor);
      assert.equal(back.message, e.message);
      if (e instanceof TransportError) assert.equal((back as TransportError).host, 'web-1');
      if (e instanceof BecomeError) assert.equal((back as BecomeError).user, 'deploy');
    }
    assert.match(errorFromWire(errorToWire(new RangeError('boom'))).message, /boom \(in the warm connection daemon\)/);
  });
});

describe('warm connections: the private directory', () => {
  let base: string;
  beforeEach(() => (base = mkdtempSync(join(tmpdir(), 'tsplay-warm-dir-'))));
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('is made 0700, and refused when open to others', () => {
    const dir = privateDir(join(base, 'd'));
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    chmodSync(dir, 0o750);
    assert.throws(
      () => privateDir(dir),
      (e: Error) => e instanceof ConfigError && /open to others \(mode 0750; it must be 0700\)/.test(e.message),
    );
  });

  it('refuses a file or a symlink in its place', () => {
    writeFileSync(join(base, 'f'), '');
    assert.match(dirProblem(join(base, 'f'))!, /not a directory/);
    mkdirSync(join(base, 'real'), { mode: 0o700 });
    symlinkSync(join(base, 'real'), join(base, 'link'));
    assert.match(dirProblem(join(base, 'link'))!, /symbolic link/);
  });
});

describe('warm connections: the daemon', () => {
  let dir: string;
  let socketPath: string;
  let dialer: FakeDialer;
  let daemon: WarmDaemon;
  const clients: WarmClient[] = [];
  const client = async () => {
    const c = await WarmClient.open(socketPath);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    dir = privateDir(mkdtempSync(join(tmpdir(), 'tsplay-warm-')));
    socketPath = join(dir, SOCKET_NAME);
    dialer = new FakeDialer();
    daemon = await serveWarm({ socketPath, build: 'test-build', idleMs: 60_000, dialer });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    daemon.stop('test over');
    await daemon.ended;
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on a socket of mode 0600 and says its build', async () => {
    assert.equal(statSync(socketPath).mode & 0o777, 0o600);
    const hello = await (await client()).request({ op: 'hello', build: 'other' });
    assert.equal(hello.header.build, 'test-build');
  });

  it('runs exec, put, get and hold over the lease, bytes intact', async () => {
    const conn = await openWarm(await client(), host('web-1'), ssh);
    assert.deepEqual(await conn.exec('sh -s', { stdin: 'echo hi', sudo: true }), { exitCode: 0, stdout: 'sh -s|echo hi|sudo', stderr: '' });
    assert.equal((await conn.exec('cat', { stdin: new Uint8Array([104, 0, 255]) })).stdout, 'cat|h\0\xff|');
    assert.equal((await conn.exec('false')).exitCode, 1);
    await conn.put('/etc/a', new Uint8Array(Buffer.from('abc')));
    await conn.put('/etc/b', { localPath: 'relative/file' });
    assert.deepEqual(dialer.puts, [
      { path: '/etc/a', from: 'abc' },
      { path: '/etc/b', from: join(process.cwd(), 'relative/file') },
    ]);
    assert.equal(Buffer.from((await conn.get('/etc/x'))!).toString(), 'bytes of /etc/x');
    assert.equal(await conn.get('/missing'), undefined);
    const held = await conn.hold!('sh -s', { stdin: 'lock', until: 'end' });
    assert.equal(held.stdout, 'sh -s:end');
    held.release();
    await conn.exec('true'); // the release went before it
    assert.equal(dialer.links[0]!.released, 1);
  });

  it('keeps the session between runs: a second run connects nothing', async () => {
    for (let run = 0; run < 3; run++) {
      const c = await client();
      const conns = await Promise.all(['web-1', 'web-22'].map((n) => openWarm(c, host(n), ssh)));
      for (const conn of conns) await conn.exec('true');
      await Promise.all(conns.map((conn) => conn.close()));
      c.close();
    }
    assert.equal(daemon.stats().connects, 2);
    assert.equal(dialer.links.length, 2);
    assert.equal(dialer.links[0]!.closedConnections, 3);
  });

  it("sends each run's become password for that run only, and its errors as a direct connection would", async () => {
    const c = await client();
    const good = await openWarm(c, host('web-1', { becomePassword: secret(GOOD_PW) }), ssh);
    assert.equal((await good.exec('become')).exitCode, 0);
    const bad = await openWarm(c, host('web-1', { becomePassword: secret(BAD_PW) }), ssh);
    await assert.rejects(bad.exec('become'), (e: Error) => e instanceof BecomeError && e.host === 'web-1');
    await assert.rejects(
      bad.exec('unreachable'),
      (e: Error) => e instanceof TransportError && e.message === '[web-1] command timed out after 5 ms: unreachable',
    );
    assert.deepEqual(dialer.links[0]!.passwords, [GOOD_PW, BAD_PW]);
    dialer.refuse = 'cannot connect to deploy@10.0.0.5:22: no answer within 10000 ms';
    await assert.rejects(
      openWarm(c, host('db-99', { address: '10.9.9.9' }), ssh),
      (e: Error) => e instanceof TransportError && e.message === `[db-99] ${dialer.refuse}`,
    );
  });

  it('connects again when the session died since the last run (a host rebooted)', async () => {
    const first = await openWarm(await client(), host('web-1'), ssh);
    await first.exec('true');
    await first.close();
    dialer.links[0]!.die();
    const again = await openWarm(await client(), host('web-1'), ssh);
    assert.equal((await again.exec('true')).exitCode, 0);
    assert.equal(daemon.stats().connects, 2);
  });

  it("retries a run's first command once when it finds a kept session dead, and only then", async () => {
    const first = await openWarm(await client(), host('web-1'), ssh);
    await first.close();
    const again = await openWarm(await client(), host('web-1'), ssh);
    dialer.links[0]!.alive = false; // dead, but nobody noticed yet
    assert.equal((await again.exec('true')).exitCode, 0);
    assert.equal(dialer.links.length, 2);
    dialer.links[1]!.alive = false;
    await assert.rejects(again.exec('true'), TransportError);
  });

  it('does not reuse a session once known_hosts says something else about the host', async () => {
    await (await openWarm(await client(), host('web-1'), ssh)).close();
    dialer.trustValue = 'known_hosts v2';
    await (await openWarm(await client(), host('web-1'), ssh)).close();
    assert.equal(daemon.stats().connects, 2);
    assert.equal(dialer.closed, 1);
  });

  it('ends the leases of a run that goes away, releasing what it held', async () => {
    const c = await client();
    const conn = await openWarm(c, host('web-1'), ssh);
    await conn.hold!('sh -s', { stdin: '', until: 'x' });
    c.close();
    await until(() => dialer.links[0]!.closedConnections === 1);
    assert.equal(daemon.stats().leases, 0);
  });

  it('fails pending requests as TransportErrors when the daemon goes', async () => {
    const conn = await openWarm(await client(), host('web-1'), ssh);
    daemon.stop('test');
    for (const c of clients) c.close();
    await assert.rejects(conn.exec('true'), (e: Error) => e instanceof TransportError && /warm connection daemon .* went away/.test(e.message));
  });
});

describe('warm connections: the daemon lifecycle', () => {
  let dir: string;
  beforeEach(() => (dir = privateDir(mkdtempSync(join(tmpdir(), 'tsplay-warm-life-')))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves when idle, and removes its socket', async () => {
    const socketPath = join(dir, SOCKET_NAME);
    const daemon = await serveWarm({ socketPath, build: 'b', idleMs: 50, dialer: new FakeDialer() });
    const c = await WarmClient.open(socketPath);
    await c.request({ op: 'hello', build: 'b' });
    c.close();
    assert.match(await daemon.ended, /idle for 50 ms/);
    assert.equal(statSync(socketPath, { throwIfNoEntry: false }), undefined);
  });

  it('takes over a socket file that nobody answers on, refuses one that answers', async () => {
    const socketPath = join(dir, SOCKET_NAME);
    writeFileSync(socketPath, '');
    const daemon = await serveWarm({ socketPath, build: 'b', idleMs: 60_000, dialer: new FakeDialer() }).catch((e) => e as Error);
    // A plain file is not a socket: listen fails with EADDRINUSE and nothing answers, so it is replaced.
    assert.ok(!(daemon instanceof Error), String(daemon));
    await assert.rejects(serveWarm({ socketPath, build: 'b', idleMs: 60_000, dialer: new FakeDialer() }), /already listening/);
    daemon.stop('test');
    await daemon.ended;
  });

  it('a daemon of another build is told to stop, and one of this build started in its place', async function () {
    this.timeout(30_000);
    const socketPath = join(dir, SOCKET_NAME);
    const old = await serveWarm({ socketPath, build: 'tsplay 0.0.1 old', idleMs: 60_000, dialer: new FakeDialer() });
    const c = await reachDaemon({ dir, idleMs: 5_000 });
    assert.match(await old.ended, /a client of build .* asked \(this daemon is tsplay 0\.0\.1 old\)/);
    const hello = await c.request({ op: 'hello', build: buildId() });
    assert.equal(hello.header.build, buildId());
    assert.notEqual(hello.header.pid, process.pid);
    assert.equal(statSync(socketPath).mode & 0o777, 0o600);
    await c.request({ op: 'stop' });
    c.close();
  });
});

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond());
}
