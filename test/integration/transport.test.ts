/** The SSH transport against real lab hosts: commands, sudo, files. Needs `tsplay lab up` first. */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from '../../lib/core/connection.js';
import { BecomeError, TransportError } from '../../lib/core/errors.js';
import { secret } from '../../lib/core/secret.js';
import { connectSsh } from '../../lib/transport/ssh.js';
import { asHost, paths, requireLab } from './lab-hosts.js';

const opts = { knownHosts: paths.knownHosts, connectTimeoutMs: 5000 };
const text = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString() : undefined);

describe('SSH transport on lab hosts', () => {
  let root: Connection;
  let hostName: string;

  before(async function () {
    const state = await requireLab(this, 1);
    hostName = state.hosts[0]!.name;
    root = await connectSsh(asHost(state.hosts[0]!), opts);
  });
  after(async () => root?.close());

  it('runs commands with stdin, stdout, stderr and exit codes', async () => {
    assert.deepEqual(await root.exec('hostname'), { exitCode: 0, stdout: `${hostName}\n`, stderr: '' });
    const r = await root.exec('cat; echo oops >&2; exit 5', { stdin: 'line 1\nline 2\n' });
    assert.deepEqual(r, { exitCode: 5, stdout: 'line 1\nline 2\n', stderr: 'oops\n' });
    assert.equal((await root.exec('sh -s', { stdin: 'x=41\necho $((x+1))\n' })).stdout, '42\n');
  });

  it('runs commands in parallel over one connection', async () => {
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => root.exec(`echo ${i}`)));
    assert.deepEqual(
      rs.map((r) => r.stdout),
      Array.from({ length: 20 }, (_, i) => `${i}\n`),
    );
  });

  it('times a command out with a TransportError, and the connection stays usable', async () => {
    const started = Date.now();
    await assert.rejects(root.exec('sleep 20', { timeoutMs: 300 }), (e) => e instanceof TransportError && /timed out after 300 ms/.test(e.message));
    assert.ok(Date.now() - started < 3000);
    assert.equal((await root.exec('echo still')).stdout, 'still\n');
  });

  it('writes files atomically with mode and owner, and reads them back', async () => {
    await root.exec('rm -rf /srv/tsplay-it && mkdir -p /srv/tsplay-it && echo old > /srv/tsplay-it/conf');
    const before = (await root.exec('stat -c %i /srv/tsplay-it/conf')).stdout;
    await root.put('/srv/tsplay-it/conf', new TextEncoder().encode('new\n'), { mode: 0o640, owner: 'nobody', group: 'nogroup' });
    const st = await root.exec('stat -c "%a %U %G %i" /srv/tsplay-it/conf; ls -A /srv/tsplay-it');
    const [attrs, listing] = [st.stdout.split('\n')[0]!, st.stdout.split('\n').slice(1).join(' ').trim()];
    assert.equal(attrs.split(' ').slice(0, 3).join(' '), '640 nobody nogroup');
    assert.notEqual(attrs.split(' ')[3], before.trim(), 'a new inode: renamed into place, not rewritten');
    assert.equal(listing, 'conf', 'no temp file left');
    assert.equal(text(await root.get('/srv/tsplay-it/conf')), 'new\n');
    assert.equal(await root.get('/srv/tsplay-it/missing'), undefined);
  });

  it('keeps the old mode and owner when a put does not say', async () => {
    await root.exec('echo a > /srv/tsplay-it/keep && chmod 600 /srv/tsplay-it/keep && chown nobody /srv/tsplay-it/keep');
    await root.put('/srv/tsplay-it/keep', new TextEncoder().encode('b'));
    assert.equal((await root.exec('stat -c "%a %U" /srv/tsplay-it/keep')).stdout, '600 nobody\n');
  });

  it('streams a 50 MB file without holding it in memory, byte for byte', async function () {
    this.timeout(120_000);
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-big-'));
    const local = join(dir, 'big.bin');
    const hash = createHash('sha256');
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(local);
      for (let i = 0; i < 50; i++) {
        const chunk = randomBytes(1024 * 1024);
        hash.update(chunk);
        out.write(chunk);
      }
      out.end(() => resolve());
      out.on('error', reject);
    });
    global.gc?.();
    const mem = () => process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed;
    const base = mem();
    let peak = base;
    // Collect before each sample (mocharc exposes gc): what is left is what the upload really holds.
    const probe = setInterval(() => (global.gc?.(), (peak = Math.max(peak, mem()))), 50);
    const started = Date.now();
    try {
      await root.put('/srv/tsplay-it/big.bin', { localPath: local }, { mode: 0o600 });
    } finally {
      clearInterval(probe);
      rmSync(dir, { recursive: true, force: true });
    }
    const secs = (Date.now() - started) / 1000;
    console.log(`      50 MB upload: ${secs.toFixed(2)} s, memory growth ${((peak - base) / 2 ** 20).toFixed(1)} MB`);
    assert.ok(peak - base < 16 * 2 ** 20, `memory grew by ${((peak - base) / 2 ** 20).toFixed(1)} MB`);
    assert.equal((await root.exec('sha256sum < /srv/tsplay-it/big.bin')).stdout.split(' ')[0], hash.digest('hex'));
    await root.exec('rm -f /srv/tsplay-it/big.bin');
  });

  describe('become (sudo) for a non-root user', () => {
    const password = `pw-${randomBytes(6).toString('hex')}`;
    const user = 'tsplay-it';
    let host: ReturnType<typeof asHost>;

    before(async () => {
      const setup = [
        `id ${user} >/dev/null 2>&1 || useradd -m -s /bin/sh ${user}`,
        `echo '${user}:${password}' | chpasswd`,
        `mkdir -p /home/${user}/.ssh && cp /root/.ssh/authorized_keys /home/${user}/.ssh/ && chown -R ${user} /home/${user}/.ssh`,
        `echo '${user} ALL=(ALL) ALL' > /etc/sudoers.d/${user} && chmod 440 /etc/sudoers.d/${user}`,
        'mkdir -p /srv/tsplay-it',
      ].join(' && ');
      assert.equal((await root.exec(setup)).exitCode, 0);
      host = { ...asHost({ name: hostName, address: (await root.exec('hostname -I')).stdout.trim() }), user };
    });
    after(async () => {
      await root?.exec(`userdel -r ${user} 2>/dev/null; rm -f /etc/sudoers.d/${user}`);
    });

    it('runs as root with the password on stdin, keeping the command its own stdin', async () => {
      const c = await connectSsh({ ...host, becomePassword: secret(password) }, opts);
      try {
        assert.equal((await c.exec('id -un')).stdout, `${user}\n`);
        const r = await c.exec('id -un; cat', { sudo: true, stdin: 'payload\n' });
        assert.deepEqual(r, { exitCode: 0, stdout: 'root\npayload\n', stderr: '' });
        await c.put('/srv/tsplay-it/by-sudo', new TextEncoder().encode('x'), { sudo: true, mode: 0o600, owner: 'root' });
        assert.equal((await root.exec('stat -c "%a %U" /srv/tsplay-it/by-sudo; ls -A /tmp | grep -c tsplay-upload')).stdout, '600 root\n0\n');
        assert.equal(text(await c.get('/srv/tsplay-it/by-sudo', { sudo: true })), 'x');
        // [p]w-… keeps this check's own command lines from matching.
        const ps = await root.exec(`ps -eo args | grep -c -- '[p]${password.slice(1)}' || true`);
        assert.equal(ps.stdout.trim(), '0', 'the password is on no command line');
      } finally {
        await c.close();
      }
    });

    it('fails cleanly with a wrong password (a BecomeError, not a transport failure), and never echoes it', async () => {
      const wrong = `wrong-${randomBytes(6).toString('hex')}`;
      const c = await connectSsh({ ...host, becomePassword: secret(wrong) }, opts);
      try {
        await assert.rejects(c.exec('id -un', { sudo: true, timeoutMs: 15_000 }), (e: Error) => {
          assert.ok(e instanceof BecomeError, `${e.name}: ${e.message}`);
          assert.match(e.message, /sudo refused the become password for user tsplay-it/);
          assert.ok(!e.message.includes(wrong));
          return true;
        });
      } finally {
        await c.close();
      }
    });

    it('uses sudo -n without a password, failing instead of prompting', async () => {
      const c = await connectSsh(host, opts);
      try {
        const r = await c.exec('id -un', { sudo: true, timeoutMs: 10_000 });
        assert.notEqual(r.exitCode, 0);
        assert.match(r.stderr, /password is required/);
      } finally {
        await c.close();
      }
    });
  });
});
