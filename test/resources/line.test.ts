import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { editLines, line } from '../../lib/resources/index.js';
import { changedIds, changesById, converge, FakeHost } from '../../lib/testing/index.js';

describe('editLines', () => {
  const table: [string, string, Parameters<typeof editLines>[1], string][] = [
    ['appends when absent', 'a\n', { line: 'b' }, 'a\nb\n'],
    ['adds the missing final newline', 'a', { line: 'b' }, 'a\nb\n'],
    ['leaves a present line alone (byte for byte)', 'a\nb', { line: 'a' }, 'a\nb'],
    ['replaces the LAST match', 'x=1\ny\nx=2\n', { line: 'x=3', match: /^x=/ }, 'x=1\ny\nx=3\n'],
    ['no-op when the last match already is the line', 'x=1\nx=3\n', { line: 'x=3', match: /^x=/ }, 'x=1\nx=3\n'],
    ['creates from empty', '', { line: 'only' }, 'only\n'],
    ['absent drops every match', 'a\n#x\nb\n#y\n', { line: '', match: /^#/, state: 'absent' }, 'a\nb\n'],
    ['absent without a match is a no-op', 'a\n', { line: 'z', state: 'absent' }, 'a\n'],
    ['a global regex does not skip lines (lastIndex)', 'k=1\nk=2\n', { line: 'k=9', match: /^k=/g }, 'k=1\nk=9\n'],
  ];
  for (const [name, text, edit, want] of table) it(name, () => assert.equal(editLines(text, edit), want));
});

describe('line', () => {
  it('fresh host: creates the file, then converged', async () => {
    const h = FakeHost.debian();
    const { first, applied, second } = await converge(h, [line({ path: '/etc/default/app', line: 'OPTS=-v' })]);
    assert.equal(applied.failure, undefined);
    assert.deepEqual(changesById(first), {
      'line:/etc/default/app:OPTS=-v': [
        { field: 'state', before: 'absent', after: 'file' },
        { field: 'content', diff: { before: '', after: 'OPTS=-v\n' } },
      ],
    });
    assert.equal(h.read('/etc/default/app'), 'OPTS=-v\n');
    assert.deepEqual(changedIds(second), []);
  });

  it('edits /etc/hosts in place, keeping the rest and the file mode', async () => {
    const h = FakeHost.debian().seedFile('/etc/hosts', '127.0.0.1 localhost\n10.0.0.9 old-name\n', { mode: 0o604 });
    const r = line({ path: '/etc/hosts', line: '10.0.0.9 node1', match: /^10\.0\.0\.9\s/ });
    const { first, second } = await converge(h, [r]);
    assert.deepEqual(changesById(first)[r.id], [
      { field: 'content', diff: { before: '127.0.0.1 localhost\n10.0.0.9 old-name\n', after: '127.0.0.1 localhost\n10.0.0.9 node1\n' } },
    ]);
    assert.equal(h.read('/etc/hosts'), '127.0.0.1 localhost\n10.0.0.9 node1\n');
    assert.equal(h.fs.get('/etc/hosts')?.mode, 0o604);
    assert.deepEqual(changedIds(second), []);
  });

  it('absent on a missing file is converged; absent removes the line', async () => {
    assert.deepEqual(changedIds((await converge(FakeHost.debian(), [line({ path: '/etc/nope', line: 'x', state: 'absent' })])).first), []);
    const h = FakeHost.debian().seedFile('/etc/fstab', 'UUID=1 / ext4\n/swap none swap sw 0 0\n');
    const { second } = await converge(h, [line({ path: '/etc/fstab', line: '', match: /\sswap\s/, state: 'absent' })]);
    assert.equal(h.read('/etc/fstab'), 'UUID=1 / ext4\n');
    assert.deepEqual(changedIds(second), []);
  });

  it('refuses a line with a newline', () => assert.throws(() => line({ path: '/etc/x', line: 'a\nb' }), /newline/));
});
