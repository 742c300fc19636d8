import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { secret } from '../../lib/core/secret.js';
import { absent, directory, file, template } from '../../lib/resources/index.js';
import { changedIds, changesById, converge, FakeHost } from '../../lib/testing/index.js';

describe('file', () => {
  it('fresh host: check lists every change, apply converges in one round trip, the second check lists none', async () => {
    const h = FakeHost.debian();
    const r = file({ path: '/etc/motd', content: 'hello\n', mode: 0o640, owner: 'root', group: 'root' });
    const { first, applied, second } = await converge(h, [r]);
    assert.deepEqual(changesById(first), {
      'file:/etc/motd': [
        { field: 'state', before: 'absent', after: 'file' },
        { field: 'content', diff: { before: '', after: 'hello\n' } },
        { field: 'mode', after: '0640' },
        { field: 'owner', after: 'root' },
        { field: 'group', after: 'root' },
      ],
    });
    assert.equal(applied.failure, undefined);
    assert.deepEqual(changedIds(second), []);
    assert.equal(h.read('/etc/motd'), 'hello\n');
    assert.equal(h.fs.get('/etc/motd')?.mode, 0o640);
    assert.equal(h.roundTrips, 3);
  });

  it('mode drift only: one attrs change, no rewrite', async () => {
    const h = FakeHost.debian().seedFile('/etc/motd', 'hello\n', { mode: 0o666 });
    const { first, second } = await converge(h, [file({ path: '/etc/motd', content: 'hello\n', mode: 0o644 })]);
    assert.deepEqual(changesById(first), { 'file:/etc/motd': [{ field: 'mode', before: '0666', after: '0644' }] });
    assert.deepEqual(h.log, [{ a: 'attrs', path: '/etc/motd', mode: 0o644 }]);
    assert.deepEqual(changedIds(second), []);
  });

  it('content drift only: a unified-diff before/after; mode and owner kept', async () => {
    const h = FakeHost.debian().seedFile('/etc/app.conf', 'a=1\nb=2\n', { mode: 0o600 });
    const { first, second } = await converge(h, [file({ path: '/etc/app.conf', content: 'a=1\nb=3\n' })]);
    assert.deepEqual(changesById(first), { 'file:/etc/app.conf': [{ field: 'content', diff: { before: 'a=1\nb=2\n', after: 'a=1\nb=3\n' } }] });
    assert.equal(h.fs.get('/etc/app.conf')?.mode, 0o600);
    assert.deepEqual(changedIds(second), []);
  });

  it('a Secret never appears in a change, even when it replaces other text', async () => {
    const h = FakeHost.debian().seedFile('/etc/token', 'old-token-value\n');
    const r = file({ path: '/etc/token', content: secret('s3cr3t-token-value'), mode: 0o600 });
    assert.equal(r.secret, true);
    const { first, second } = await converge(h, [r]);
    const shown = JSON.stringify(changesById(first));
    assert.ok(!shown.includes('s3cr3t') && !shown.includes('old-token'), shown);
    assert.deepEqual(changesById(first)['file:/etc/token'], [{ field: 'content' }, { field: 'mode', before: '0644', after: '0600' }]);
    assert.equal(h.read('/etc/token'), 's3cr3t-token-value');
    assert.deepEqual(changedIds(second), []);
  });

  it('secret: true masks plain string content too', async () => {
    const { first } = await converge(FakeHost.debian(), [file({ path: '/etc/k', content: 'private key text', secret: true })]);
    assert.deepEqual(changesById(first)['file:/etc/k'], [{ field: 'state', before: 'absent', after: 'file' }, { field: 'content' }]);
  });

  it('bytes and large text are compared by sha256', async () => {
    const bytes = new Uint8Array([0, 1, 2, 255]);
    const big = 'x'.repeat(70 * 1024);
    const h = FakeHost.debian().seedFile('/opt/big', 'y'.repeat(70 * 1024));
    const { first, second } = await converge(h, [file({ path: '/opt/blob', content: bytes }), file({ path: '/opt/big', content: big })]);
    const c = changesById(first);
    assert.match(String(c['file:/opt/blob']?.[1]?.after), /^sha256:[0-9a-f]{64}$/);
    assert.match(String(c['file:/opt/big']?.[0]?.before), /^sha256:/);
    assert.deepEqual(Buffer.from(h.fs.get('/opt/blob')!.content), Buffer.from(bytes));
    assert.deepEqual(changedIds(second), []);
  });

  it('reads its path, owner and group; writes its path; notifies', () => {
    const r = file({ path: '/etc/etcd/etcd.conf', content: '', owner: 'etcd', group: 'etcd', notify: 'restart etcd', tags: ['config'] });
    assert.deepEqual(r.reads, ['path:/etc/etcd/etcd.conf', 'user:etcd', 'group:etcd']);
    assert.deepEqual(r.writes, ['path:/etc/etcd/etcd.conf']);
    assert.deepEqual(r.notify, ['restart etcd']);
    assert.deepEqual(r.tags, ['config']);
  });

  it('check mode marks a file that depends on a directory created earlier', async () => {
    const h = FakeHost.debian();
    const { first, applied } = await converge(h, [directory({ path: '/etc/etcd' }), file({ path: '/etc/etcd/etcd.conf', content: 'x\n' })]);
    assert.deepEqual(first.planned[1]?.dependsOn, ['directory:/etc/etcd']);
    assert.equal(applied.failure, undefined);
  });

  it('a missing parent directory fails the group like a real host, naming the path', async () => {
    const { applied } = await converge(FakeHost.debian(), [file({ path: '/nope/x', content: '' })]);
    assert.equal(applied.failure?.id, 'file:/nope/x');
    assert.match(applied.failure?.stderr ?? '', /nope.*Directory nonexistent/);
  });

  it('an unknown owner fails the group (the user resource is missing or comes later)', async () => {
    const { applied } = await converge(FakeHost.debian(), [file({ path: '/etc/x', content: '', owner: 'etcd' })]);
    assert.match(applied.failure?.stderr ?? '', /invalid user: 'etcd'/);
  });

  it('refuses to replace a directory', async () => {
    const { first } = await converge(FakeHost.debian(), [file({ path: '/etc', content: '' })]);
    assert.match(first.planned[0]?.error ?? '', /\/etc exists and is a directory/);
  });

  it('rejects relative paths at construction', () => {
    assert.throws(() => file({ path: 'etc/x', content: '' }), /absolute/);
  });

  it('refuses an owner or group that is not a portable user name, naming it: it would reach chown (#16)', () => {
    assert.throws(
      () => file({ path: '/etc/x', content: '', owner: '--reference=/etc/shadow' }),
      /file \/etc\/x: owner "--reference=\/etc\/shadow" is not a user or group name/,
    );
    assert.throws(() => directory({ path: '/srv/x', group: 'a:b' }), /directory \/srv\/x: group "a:b" is not a user or group name/);
    assert.throws(() => template({ path: '/etc/x', render: () => '', owner: 'x'.repeat(33) }), /not a user or group name/);
    assert.doesNotThrow(() => file({ path: '/etc/x', content: '', owner: 'svc.web_1-a', group: '1000' }));
  });

  it('refuses control characters in paths and paths the kernel cannot hold', () => {
    assert.throws(() => file({ path: '/etc/a\rb', content: '' }), /path must not hold control characters: "\/etc\/a\\rb"/);
    assert.throws(() => absent({ path: '/etc/\x1b[31m' }), /control characters: "\/etc\/\\u001b\[31m"/);
    assert.throws(() => directory({ path: `/srv/${'a'.repeat(256)}` }), /name longer than 255/);
  });
});

describe('template', () => {
  const render = (v: { port: number }) => `port: ${v.port}\n`;
  it('renders a TS function of vars; both call forms', async () => {
    const h = FakeHost.debian();
    const a = template('/etc/a.yaml', render, { port: 1 }, { mode: 0o600 });
    const b = template({ path: '/etc/b.yaml', render: () => render({ port: 2 }) });
    assert.equal(a.id, 'template:/etc/a.yaml');
    const { first, second } = await converge(h, [a, b]);
    assert.deepEqual(changedIds(first), ['template:/etc/a.yaml', 'template:/etc/b.yaml']);
    assert.equal(h.read('/etc/a.yaml'), 'port: 1\n');
    assert.equal(h.fs.get('/etc/a.yaml')?.mode, 0o600);
    assert.deepEqual(changedIds(second), []);
  });
});

describe('directory and absent', () => {
  it('directory: creates parents, sets attrs; drift in owner only', async () => {
    const h = FakeHost.debian();
    const { first, second } = await converge(h, [directory({ path: '/var/lib/etcd/data', mode: 0o700 })]);
    assert.deepEqual(changesById(first), {
      'directory:/var/lib/etcd/data': [
        { field: 'state', before: 'absent', after: 'directory' },
        { field: 'mode', after: '0700' },
      ],
    });
    assert.equal(h.fs.get('/var/lib/etcd/data')?.mode, 0o700);
    assert.deepEqual(changedIds(second), []);
    const again = await converge(h, [directory({ path: '/var/lib/etcd/data', mode: 0o700, owner: 'nobody' })]);
    assert.deepEqual(changesById(again.first), { 'directory:/var/lib/etcd/data': [{ field: 'owner', before: 'root', after: 'nobody' }] });
    assert.deepEqual(changedIds(again.second), []);
  });

  it('directory: refuses a file in the way', async () => {
    const { first } = await converge(FakeHost.debian(), [directory({ path: '/etc/hosts' })]);
    assert.match(first.planned[0]?.error ?? '', /is a file, not a directory/);
  });

  it('absent: removes a tree, then nothing to do', async () => {
    const h = FakeHost.debian().seedFile('/opt/old/bin/tool', 'x');
    const { first, second } = await converge(h, [absent({ path: '/opt/old' })]);
    assert.deepEqual(changesById(first), { 'absent:/opt/old': [{ field: 'state', before: 'directory', after: 'absent' }] });
    assert.equal(h.fs.get('/opt/old/bin/tool'), undefined);
    assert.deepEqual(changedIds(second), []);
    assert.throws(() => absent({ path: '/' }), /refusing/);
  });
});
