import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { assertCommand } from '../../lib/resources/index.js';
import { changedIds, converge, FakeHost } from '../../lib/testing/index.js';

describe('assertCommand', () => {
  it('holds: nothing to change, nothing applied, one query', async () => {
    const h = FakeHost.debian().script('test -e /etc/hosts', {});
    const { first, applied } = await converge(h, [assertCommand({ name: 'hosts file', command: 'test -e /etc/hosts' })]);
    assert.deepEqual(changedIds(first), []);
    assert.deepEqual(applied.outcomes, []);
    assert.deepEqual(h.log, []);
  });

  it('fails: the check errors with the name, exit code and the last lines the command printed', async () => {
    const h = FakeHost.debian().script('probe', { exitCode: 3, stdout: 'a\nb\nnot ready\n' });
    const { first } = await converge(h, [assertCommand({ name: 'service ready', command: 'probe' })]);
    assert.equal(first.planned[0]!.error, 'service ready: failed (exit 3): a / b / not ready');
  });
});
