import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { command } from '../../lib/resources/index.js';
import { changedIds, changesById, converge, FakeHost } from '../../lib/testing/index.js';

describe('command', () => {
  it('creates: runs once, then the file it creates keeps it from running again', async () => {
    const h = FakeHost.debian().script('kubeadm-like init', () => {
      h.seedFile('/etc/done', 'yes');
    });
    const r = command({ command: 'kubeadm-like init', creates: '/etc/done' });
    const { first, second } = await converge(h, [r]);
    assert.deepEqual(changesById(first), { 'command:kubeadm-like init': [{ field: 'run', before: '/etc/done is missing', after: 'kubeadm-like init' }] });
    assert.deepEqual(changedIds(second), []);
    assert.deepEqual(h.commands, ['kubeadm-like init']);
    assert.deepEqual(r.writes, ['path:/etc/done']);
  });

  it('unless: a guard that succeeds means nothing to do; check mode never runs the command', async () => {
    let ok = 1;
    const h = FakeHost.debian()
      .script('swapon --show | grep -q .', () => ({ exitCode: ok }))
      .script('swapoff -a', () => {
        ok = 0;
      });
    const r = command({ command: 'swapoff -a', unless: 'swapon --show | grep -q .' });
    const { first, second } = await converge(h, [r]);
    assert.deepEqual(changesById(first)[r.id], [{ field: 'run', before: 'unless guard exited 1', after: 'swapoff -a' }]);
    assert.deepEqual(changedIds(second), []);
    assert.deepEqual(h.commands, ['swapon --show | grep -q .', 'swapoff -a', 'swapon --show | grep -q .']);
  });

  it('onlyIf: a failing guard skips', async () => {
    const h = FakeHost.debian().script('test -e /dev/kvm', { exitCode: 1 });
    const { first } = await converge(h, [command({ command: 'modprobe kvm', onlyIf: 'test -e /dev/kvm' })]);
    assert.deepEqual(changedIds(first), []);
  });

  it('no guard: it always runs, and says so', async () => {
    const h = FakeHost.debian().script('date', { stdout: 'now' });
    const { first, second } = await converge(h, [command({ command: 'date' })]);
    assert.deepEqual(changesById(first)['command:date'], [{ field: 'run', before: 'no guard: runs on every apply', after: 'date' }]);
    assert.deepEqual(changedIds(second), ['command:date']);
  });

  it('a failing command fails its group with its stderr; a secret command is not shown', async () => {
    const h = FakeHost.debian().script(/^login /, { exitCode: 2, stderr: 'denied' });
    const r = command({ name: 'registry login', command: 'login --password hunter2-long', secret: true });
    const { first, applied } = await converge(h, [r]);
    assert.deepEqual(changesById(first)['command:registry login'], [{ field: 'run', before: 'no guard: runs on every apply' }]);
    assert.deepEqual(applied.failure, { id: 'command:registry login', exitCode: 2, stderr: 'denied' });
    assert.throws(() => command({ command: 'login --password hunter2-long', secret: true }), /a secret command needs a name/);
  });

  it('an unscripted command throws, naming it', async () => {
    await assert.rejects(converge(FakeHost.debian(), [command({ command: 'rm -rf /', unless: 'true' })]), /Unscripted command: true/);
  });
});
