/** Addresses as SANs compare them: every spelling of one IP gives one canonical form. */
import assert from 'node:assert/strict';
import { firstHost, isDnsName, normalizeIp, parseCidr } from '../../lib/core/net.js';

describe('pki/net', () => {
  const ips: [string, string | undefined][] = [
    ['10.0.0.1', '10.0.0.1'],
    ['255.255.255.255', '255.255.255.255'],
    ['256.0.0.1', undefined],
    ['01.2.3.4', undefined],
    ['1.2.3', undefined],
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['::', '::'],
    ['2001:DB8::', '2001:db8::'],
    ['fe80::1:0:0:1', 'fe80::1:0:0:1'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:2:3:4:5:6:7::8', undefined],
    ['1::2::3', undefined],
    ['12345::', undefined],
    ['node-1', undefined],
  ];
  for (const [text, want] of ips) it(`normalizeIp(${text}) = ${want}`, () => assert.equal(normalizeIp(text), want));

  it('gives the first host of a service range, IPv4 and IPv6, host bits ignored', () => {
    assert.equal(firstHost(parseCidr('10.96.0.0/12')!), '10.96.0.1');
    assert.equal(firstHost(parseCidr('10.96.5.7/12')!), '10.96.0.1');
    assert.equal(firstHost(parseCidr('10.32.0.0/24')!), '10.32.0.1');
    assert.equal(firstHost(parseCidr('fd00:10:96::/108')!), 'fd00:10:96::1');
  });

  it('rejects malformed CIDRs', () => {
    for (const c of ['10.96.0.0', '10.96.0.0/33', '10.96.0.0/x', 'fd00::/129', '10.96.0.0/12/1', 'x/12']) assert.equal(parseCidr(c), undefined, c);
  });

  it('accepts DNS-1123 names and, when asked, one leading wildcard', () => {
    for (const n of ['node-1', 'a.b.c', 'kubernetes.default.svc.cluster.local']) assert.ok(isDnsName(n), n);
    for (const n of ['Node1', '-a', 'a-', 'a..b', '', 'a_b', '*.x.io']) assert.ok(!isDnsName(n), n);
    assert.ok(isDnsName('*.x.io', { wildcard: true }));
  });
});
