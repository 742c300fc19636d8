/** Bad inventory data fails before any key is made, with the path of the bad field. */
import assert from 'node:assert/strict';
import { ConfigError } from '../../lib/core/errors.js';
import { resolvePkiSpec, type PkiSpec } from '../../roles/pki/catalogue/spec.js';
import { smallSpec } from './fixtures.js';

describe('pki/spec', () => {
  it('fills defaults and canonicalizes addresses', () => {
    const s = resolvePkiSpec({ ...smallSpec(), vip: '0:0:0:0:0:0:0:1' } as PkiSpec);
    assert.equal(s.clusterDomain, 'cluster.local');
    assert.equal(s.keyType, 'ecdsa');
    assert.equal(s.vip, '::1');
    assert.deepEqual([s.caValidityDays, s.certValidityDays, s.renewBeforeDays], [3650, 365, 30]);
  });

  const bad: [string, (s: PkiSpec) => PkiSpec, RegExp][] = [
    ['an invalid VIP', (s) => ({ ...s, vip: '10.0.0.300' }), /^pki\.vip: "10\.0\.0\.300" is not an IP address/],
    ['an invalid service CIDR', (s) => ({ ...s, serviceCidr: '10.96.0.0/40' }), /^pki\.serviceCidr: /],
    [
      'an invalid node address',
      (s) => ({ ...s, nodes: [s.nodes[0]!, { name: 'node-2', address: '10.0.1.999' }] }),
      /^pki\.nodes\[1\]\.address: "10\.0\.1\.999" is not a valid IP/,
    ],
    ['an invalid node name', (s) => ({ ...s, nodes: [{ name: 'Node_1', address: '10.0.1.1' }] }), /^pki\.nodes\[0\]\.name: "Node_1" is not a DNS-1123 name/],
    ['a duplicate etcd member', (s) => ({ ...s, etcd: [s.etcd[0]!, s.etcd[0]!] }), /^pki\.etcd\[1\]\.name: .* listed twice/],
    ['an invalid extra SAN', (s) => ({ ...s, apiserverExtraSans: ['api.example.com', 'bad name'] }), /^pki\.apiserverExtraSans\[1\]: /],
    ['a plain-http endpoint', (s) => ({ ...s, apiserverEndpoint: 'http://10.0.0.100:6443' }), /^pki\.apiserverEndpoint: .* https/],
    ['an unknown key type', (s) => ({ ...s, keyType: 'dsa' as never }), /^pki\.keyType: /],
    ['a renewal window longer than the validity', (s) => ({ ...s, certValidityDays: 20 }), /^pki\.renewBeforeDays: /],
    ['no control plane', (s) => ({ ...s, controlPlane: [] }), /^pki\.controlPlane: /],
  ];
  for (const [what, change, message] of bad) {
    it(`rejects ${what}`, () =>
      assert.throws(
        () => resolvePkiSpec(change(smallSpec())),
        (e: Error) => e instanceof ConfigError && message.test(e.message),
      ));
  }
});
