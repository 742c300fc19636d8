/** Renewal selection (names, kinds, all; CAs and typos refused) and expiry warnings, against the catalogue. */
import assert from 'node:assert/strict';
import type { X509Certificate } from 'node:crypto';
import { catalog, ensurePki, expiring, formatExpiry, resolvePkiSpec, selectRenewal } from '../../roles/pki/catalogue/index.js';
import { ConfigError } from '../../lib/core/errors.js';
import { smallSpec } from './fixtures.js';
import { tempDir } from './helpers.js';

const wants = catalog(resolvePkiSpec(smallSpec()));
const DAY = 86_400_000;

describe('pki: which leaves a renewal picks', () => {
  it('all, an id, a kind, several, deduplicated in catalogue order', () => {
    assert.equal(selectRenewal(wants, 'all', 'x'), 'all');
    assert.deepEqual(selectRenewal(wants, 'apiserver', 'x'), ['apiserver']);
    assert.deepEqual(selectRenewal(wants, 'etcd-server', 'x'), ['etcd-server:master-1', 'etcd-server:master-2', 'etcd-server:master-3']);
    assert.deepEqual(selectRenewal(wants, ' kubelet:node-2 , etcd-peer:master-1,kubelet:node-2', 'x'), ['kubelet:node-2', 'etcd-peer:master-1']);
  });
  it('refuses a CA (a rotation, not a renewal) and an unknown name with the closest ones, naming where', () => {
    assert.throws(
      () => selectRenewal(wants, 'etcd-ca', 'var certs_renew'),
      (e: unknown) => e instanceof ConfigError && /"etcd-ca" is a CA/.test(e.message) && /certs_renew/.test(e.message),
    );
    assert.throws(
      () => selectRenewal(wants, 'apiserver,kubelet:node-9', 'var certs_renew'),
      /unknown certificate "kubelet:node-9"\. Did you mean "kubelet:node-1"/,
    );
    assert.throws(() => selectRenewal(wants, 'etcd-servr', 'v'), /Did you mean "etcd-server"/);
  });
});

describe('pki: expiry warnings', () => {
  const t = tempDir();
  after(() => t.cleanup());

  it('none on a fresh PKI with the default 30 days; every leaf with a window longer than its validity, CAs not', async () => {
    const fresh = await ensurePki(smallSpec(), t.dir, { mode: 'apply' });
    assert.deepEqual(fresh.expiring, []);
    const wide = await ensurePki(smallSpec({ expiryWarnDays: 400 }), t.dir, { mode: 'apply' });
    const leaves = wants.filter((w) => w.kind === 'cert' && w.usage !== 'ca').length;
    assert.equal(wide.expiring.length, leaves);
    assert.ok(wide.expiring.every((w) => !w.ca && w.daysLeft >= 364 && w.daysLeft <= 365));
    assert.equal(wide.changed, 0, 'warning is not renewing');
  });

  it('counts from the clock: 340 days on, a leaf has 25 days left; check mode leaves out what it would re-issue', async () => {
    const now = new Date(Date.now() + 340 * DAY);
    const check = await ensurePki(smallSpec({ renewBeforeDays: 10 }), t.dir, { mode: 'check', now });
    assert.ok(check.expiring.length > 0 && check.expiring.every((w) => w.daysLeft === 24 || w.daysLeft === 25), JSON.stringify(check.expiring.slice(0, 2)));
    const renewing = await ensurePki(smallSpec({ renewBeforeDays: 10 }), t.dir, { mode: 'check', now, renew: ['apiserver'] });
    assert.ok(!renewing.expiring.some((w) => w.id === 'apiserver'));
    assert.ok(renewing.expiring.some((w) => w.id === 'admin'));
  });

  it('0 days: never; a negative count reads EXPIRED; the text names each certificate, soonest first', () => {
    const native = (days: number) => ({ validTo: new Date(Date.now() + days * DAY).toUTCString() }) as unknown as X509Certificate;
    const st = (id: string, days: number, usage: 'ca' | 'client' = 'client') => ({
      want: { kind: 'cert', id, file: id, usage } as never,
      decision: { action: 'reuse' as const },
      native: native(days),
    });
    assert.deepEqual(expiring([st('a', 1)], new Date(), 0, 'apply'), []);
    const w = expiring([st('later', 20), st('gone', -2), st('etcd-ca', 5, 'ca'), st('far', 90)], new Date(), 30, 'apply');
    // validTo has whole seconds, so each count is a fraction under the days given: rounded down.
    assert.deepEqual(
      w.map((x) => [x.id, x.daysLeft]),
      [
        ['gone', -3],
        ['etcd-ca', 4],
        ['later', 19],
      ],
    );
    assert.deepEqual(
      w.map((x) => x.id),
      ['gone', 'etcd-ca', 'later'],
    );
    const text = formatExpiry('/pki', w, 30);
    assert.match(text, /^3 certificates of \/pki expire within 30 days:/);
    assert.match(text, /gone\s+EXPIRED/);
    assert.match(text, /etcd-ca .*\(a CA: rotate it with playbooks\/certs-etcd-ca.ts\)/);
  });
});
