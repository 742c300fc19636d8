import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { secret } from '../../lib/core/secret.js';
import { generatedFile } from '../../lib/resources/index.js';
import { plan } from '../../lib/runner/pass.js';
import { changedIds, changesById, converge, FakeHost, prepareContext } from '../../lib/testing/index.js';

describe('generatedFile', () => {
  it('content made during prepare converges like a file, compared by hash', async () => {
    const h = FakeHost.debian();
    const modes: string[] = [];
    const r = generatedFile({ path: '/etc/ca.crt', mode: 0o644, load: async (ctx) => (modes.push(ctx.mode), 'CERT\n') });
    const { first, second } = await converge(h, [r]);
    assert.deepEqual(
      changesById(first)['file:/etc/ca.crt']!.map((c) => c.field),
      ['state', 'content', 'mode'],
    );
    assert.equal(h.read('/etc/ca.crt'), 'CERT\n');
    assert.deepEqual(changedIds(second), []);
    assert.deepEqual(modes, ['apply']);
  });

  it('check mode with nothing made yet says so, and names no content', async () => {
    const h = FakeHost.debian();
    const r = generatedFile({ path: '/etc/x.key', load: async () => undefined, pendingNote: 'issued by the PKI step' });
    await r.prepare!(prepareContext('check'));
    const p = await plan(h, [r]);
    assert.deepEqual(changesById(p), {
      'file:/etc/x.key': [
        { field: 'state', before: 'absent', after: 'file' },
        { field: 'content', after: '(issued by the PKI step)' },
      ],
    });
    assert.throws(() => r.apply([{ exists: false }], h.facts, []), /never made/);
  });

  it('a secret is compared by hash and never shown', async () => {
    const h = FakeHost.debian().seedFile('/etc/x.key', 'OLD-KEY-MATERIAL');
    const r = generatedFile({ path: '/etc/x.key', mode: 0o600, load: async () => secret('NEW-KEY-MATERIAL') });
    const { first } = await converge(h, [r]);
    assert.ok(!JSON.stringify(changesById(first)).includes('KEY-MATERIAL'));
    assert.equal(h.read('/etc/x.key'), 'NEW-KEY-MATERIAL');
  });

  it('refuseReplace: different content on the host is an error, the same or none is fine', async () => {
    const r = (host: FakeHost) => converge(host, [generatedFile({ path: '/etc/ca.crt', load: async () => 'CA-1\n', refuseReplace: 'it holds another CA' })]);
    assert.equal((await r(FakeHost.debian())).applied.failure, undefined);
    assert.deepEqual(changedIds((await r(FakeHost.debian().seedFile('/etc/ca.crt', 'CA-1\n'))).first), []);
    const other = FakeHost.debian().seedFile('/etc/ca.crt', 'CA-2\n');
    const { first } = await r(other);
    assert.match(first.planned[0]!.error!, /\/etc\/ca\.crt on the host differs: it holds another CA/);
    assert.equal(other.read('/etc/ca.crt'), 'CA-2\n');
  });

  it('checking before prepare is a clear error', () => {
    const r = generatedFile({ path: '/etc/y', load: async () => 'y' });
    assert.throws(() => r.check([{ exists: false }], FakeHost.debian().facts), /was not prepared/);
  });
});
