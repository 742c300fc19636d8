import assert from 'node:assert/strict';
import { bridgeAddress, etcHosts, labHosts, MAX_HOSTS, mergeEtcHosts, networkFile, vethName } from '../../lib/lab/network.js';

describe('lab network', () => {
  it('gives host i the address .(10+i) on 10.231.0.0/24, bridge at .1', () => {
    assert.deepEqual(labHosts(3), [
      { name: 'lab-1', address: '10.231.0.11' },
      { name: 'lab-2', address: '10.231.0.12' },
      { name: 'lab-3', address: '10.231.0.13' },
    ]);
    assert.equal(bridgeAddress, '10.231.0.1');
    assert.equal(labHosts(MAX_HOSTS).at(-1)!.address, '10.231.0.254');
  });

  it('refuses counts the /24 cannot hold', () => {
    for (const n of [0, -1, 1.5, MAX_HOSTS + 1]) assert.throws(() => labHosts(n), RangeError);
  });

  it('renders a static host0 address with no route off the subnet', () => {
    const text = networkFile('10.231.0.12');
    assert.match(text, /^\[Match\]\nName=host0\n/);
    assert.match(text, /\nAddress=10\.231\.0\.12\/24\n/);
    assert.doesNotMatch(text, /Gateway|DHCP=yes/);
  });

  it("a kept host's /etc/hosts gains the new hosts and keeps the lines roles wrote; a removed host's line goes", () => {
    const roleLines = '10.231.0.9 api.lab # tsplay: etc-hosts\n10.0.0.5 registry\n';
    const now = `${etcHosts(labHosts(3))}${roleLines}`;
    const grown = mergeEtcHosts(now, labHosts(4));
    assert.equal(grown, `${etcHosts(labHosts(4))}${roleLines}`);
    assert.equal(mergeEtcHosts(grown, labHosts(4)), grown, 'unchanged when nothing changes');
    assert.equal(mergeEtcHosts(grown, labHosts(2)), `${etcHosts(labHosts(2))}${roleLines}`);
    assert.equal(mergeEtcHosts('', labHosts(2)), etcHosts(labHosts(2)));
  });

  it('names every host in /etc/hosts and keeps veth names within 15 characters', () => {
    assert.match(etcHosts(labHosts(2)), /^127\.0\.0\.1 localhost\n[\s\S]*\n10\.231\.0\.11 lab-1\n10\.231\.0\.12 lab-2\n$/);
    assert.equal(vethName('lab-7'), 'vb-lab-7');
    assert.equal(vethName('lab-123456789012345').length, 15);
  });
});
