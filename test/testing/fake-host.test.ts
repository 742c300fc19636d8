import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'mocha';
import { FakeHost, FakeMisuse } from '../../lib/testing/index.js';

describe('FakeHost', () => {
  it('presets differ where real hosts do', () => {
    assert.equal(FakeHost.debian().facts.packageManager, 'apt');
    assert.equal(FakeHost.rhel().facts.packageManager, 'dnf');
    assert.equal(FakeHost.rhel().facts.os.family, 'redhat');
    assert.ok(FakeHost.debian().groups.has('nogroup') && FakeHost.rhel().groups.has('nobody'));
  });

  it('answers queries with the shapes the shell driver produces', async () => {
    const h = FakeHost.debian().seedFile('/etc/a', 'hi\n', { mode: 0o600 }).seedUnit('x.service', '[Service]\nExecStart=/x\n', { active: true });
    const [file, unit, missing, user, sysctl, mod] = await h.query([
      { q: 'file', path: '/etc/a', sha256: true, content: 10 },
      { q: 'unit', name: 'x.service' },
      { q: 'unit', name: 'y.service' },
      { q: 'user', name: 'root' },
      { q: 'sysctl', key: 'net.ipv4.ip_forward' },
      { q: 'module', name: 'br-netfilter' },
    ]);
    assert.deepEqual(file, {
      exists: true,
      type: 'file',
      mode: 0o600,
      owner: 'root',
      group: 'root',
      size: 3,
      sha256: createHash('sha256').update('hi\n').digest('hex'),
      content: 'hi\n',
    });
    assert.deepEqual(unit, { load: 'loaded', active: 'active', enabled: 'static' });
    assert.deepEqual(missing, { load: 'not-found', active: 'inactive', enabled: '' });
    assert.deepEqual(user, { uid: 0, gid: 0, home: '/root', shell: '/bin/bash', groups: ['root'] });
    assert.equal(sysctl, '0');
    assert.equal(mod, false);
  });

  it('counts round trips like the shell driver and logs applied actions', async () => {
    const h = FakeHost.debian().script('true', {});
    await h.query([]);
    await h.act([[{ a: 'mkdir', path: '/opt/x' }], [{ a: 'command', command: 'true' }]]);
    await h.exec('true');
    assert.equal(h.roundTrips, 3);
    assert.deepEqual(h.log, [
      { a: 'mkdir', path: '/opt/x' },
      { a: 'command', command: 'true' },
    ]);
  });

  it('stops at the first failing group and reports it', async () => {
    const h = FakeHost.debian();
    const res = await h.act([
      [{ a: 'mkdir', path: '/a' }],
      [
        { a: 'attrs', path: '/nope', mode: 0o600 },
        { a: 'mkdir', path: '/b' },
      ],
      [{ a: 'mkdir', path: '/c' }],
    ]);
    assert.deepEqual(res, { ok: false, failedGroup: 1, exitCode: 1, stderr: "chmod: cannot access '/nope': No such file or directory" });
    assert.ok(h.fs.get('/a') && !h.fs.get('/b') && !h.fs.get('/c'));
  });

  it('rejects impossible calls loudly: unscripted commands, starting a unit without daemon-reload', async () => {
    const h = FakeHost.debian();
    await assert.rejects(h.exec('curl -k https://127.0.0.1:6443/healthz'), /Unscripted command: curl -k/);
    await h.act([[{ a: 'write', path: '/etc/systemd/system/n.service', content: '[Service]\nExecStart=/n\n' }]]);
    await assert.rejects(h.act([[{ a: 'systemctl', verb: 'start', unit: 'n.service' }]]), FakeMisuse);
    assert.deepEqual(
      await h.act([
        [
          { a: 'systemctl', verb: 'daemon-reload' },
          { a: 'systemctl', verb: 'start', unit: 'n.service' },
        ],
      ]),
      { ok: true },
    );
    assert.deepEqual(h.service('n.service'), { enabled: false, active: true });
  });

  it('health gates script exec replies, which may depend on state', async () => {
    const h = FakeHost.debian().script(/healthz/, () => (h.service('etcd.service').active ? { stdout: 'ok' } : { exitCode: 7, stderr: 'connection refused' }));
    assert.equal((await h.exec('curl /healthz')).exitCode, 7);
    h.services.set('etcd.service', { enabled: true, active: true });
    assert.deepEqual(await h.exec('curl /healthz'), { exitCode: 0, stdout: 'ok', stderr: '' });
  });

  it('uploads read the local file and check its hash; extract reads real tar archives', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-fake-'));
    try {
      mkdirSync(join(dir, 'p/bin'), { recursive: true });
      writeFileSync(join(dir, 'p/bin/kubelet'), 'binary');
      execFileSync('tar', ['-czf', join(dir, 'k.tgz'), '-C', dir, 'p']);
      const bytes = readFileSync(join(dir, 'k.tgz'));
      const sum = createHash('sha256').update(bytes).digest('hex');
      const h = FakeHost.debian();
      assert.deepEqual(
        await h.act([
          [
            { a: 'upload', from: join(dir, 'k.tgz'), path: '/opt/k.tgz', sha256: sum },
            { a: 'extract', archive: '/opt/k.tgz', dest: '/usr/local/bin', files: ['p/bin/kubelet'], mode: 0o755 },
          ],
        ]),
        { ok: true },
      );
      assert.equal(h.read('/usr/local/bin/kubelet'), 'binary');
      assert.equal(h.fs.get('/usr/local/bin/kubelet')?.mode, 0o755);
      const bad = await h.act([[{ a: 'upload', from: join(dir, 'k.tgz'), path: '/opt/k2', sha256: 'f'.repeat(64) }]]);
      assert.equal(bad.ok, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('package managers must match the host, and installs bring their files', async () => {
    const h = FakeHost.rhel().offer('haproxy', {
      version: '2.4',
      files: { '/usr/lib/systemd/system/haproxy.service': '[Service]\nExecStart=/usr/sbin/haproxy\n' },
    });
    const apt = await h.act([[{ a: 'package', state: 'present', names: ['haproxy'], manager: 'apt' }]]);
    assert.deepEqual(apt, { ok: false, failedGroup: 0, exitCode: 127, stderr: 'sh: 1: apt-get: not found' });
    assert.deepEqual(
      await h.act([
        [
          { a: 'package', state: 'present', names: ['haproxy'], manager: 'dnf' },
          { a: 'systemctl', verb: 'start', unit: 'haproxy.service' },
        ],
      ]),
      { ok: true },
    );
  });
});
