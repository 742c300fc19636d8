import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { hostname, machine } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'mocha';
import { countCpus, FACTS_SCRIPT, factSections, parseHostFacts } from '../../lib/facts/host.js';
import { localV4, parseIfInet6, parseInterfaces, parseIpAddr, v4Interface } from '../../lib/facts/interfaces.js';
import { osFromRelease, parseOsRelease } from '../../lib/facts/os-release.js';

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../fixtures/facts/${name}.json`, import.meta.url), 'utf8')) as T;

/** The first of the script's package managers on PATH, found without a shell. */
function expectedPackageManager(): string {
  const onPath = (cmd: string) =>
    (process.env['PATH'] ?? '').split(':').some((d) => {
      try {
        accessSync(join(d || '.', cmd), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  const found = ['apt-get', 'dnf', 'yum'].find(onPath);
  return found === 'apt-get' ? 'apt' : (found ?? 'unknown');
}
const sorted = (r: Record<string, readonly string[]>) =>
  Object.fromEntries(
    Object.entries(r)
      .sort()
      .map(([k, v]) => [k, [...v].sort()]),
  );

describe('facts: os-release', () => {
  for (const c of fixture<{ cases: { name: string; text: string; os: unknown }[] }>('os-release').cases)
    it(c.name, () => assert.deepEqual(osFromRelease(c.text), c.os));
  it('unquotes and unescapes values', () => assert.deepEqual(parseOsRelease(`A="x \\"y\\""\nB='z'\n# c\nbad line\n`), { A: 'x "y"', B: 'z' }));
});

describe('facts: interfaces', () => {
  const f = fixture<{ ip: string; fib_trie: string; route: string; if_inet6: string; answer: Record<string, string[]> }>('interfaces');
  it('ip -o addr', () => assert.deepEqual(sorted(parseIpAddr(f.ip)), sorted(f.answer)));
  it('/proc/net fallback finds the same addresses on the same interfaces', () => {
    const s = new Map([
      ['fib_trie', f.fib_trie],
      ['route', f.route],
      ['if_inet6', f.if_inet6],
    ]);
    assert.deepEqual(sorted(parseInterfaces(s)), sorted(f.answer));
  });
  it('local IPv4 leaves, longest-prefix interface, compressed IPv6', () => {
    assert.deepEqual(localV4(f.fib_trie).sort(), ['10.231.0.1', '127.0.0.1', '192.0.2.2']);
    assert.equal(v4Interface('192.0.2.2', f.route), 'eth0');
    assert.equal(v4Interface('10.231.0.1', f.route), 'tsplay0');
    assert.deepEqual(parseIfInet6('20010db8000000000000000000000001 02 40 00 80 eth1\n'), { eth1: ['2001:db8::1'] });
  });
});

describe('facts: host', () => {
  it('counts CPUs from the kernel online list', () => {
    assert.equal(countCpus('0-1\n'), 2);
    assert.equal(countCpus('0,2-5,7'), 6);
    assert.equal(countCpus(''), 1);
  });

  it('parses a complete facts output', () => {
    const text = [
      '@@ os-release',
      'ID=rocky',
      'ID_LIKE="rhel centos fedora"',
      'VERSION_ID="9.3"',
      '@@ arch',
      'aarch64',
      '@@ init',
      'systemd',
      '@@ hostname',
      'n1',
      '@@ cpus',
      '0-3',
      '@@ meminfo',
      'MemTotal:        8056892 kB',
      '@@ pm',
      'dnf',
      '@@ ip',
      '2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\\       valid_lft forever preferred_lft forever',
      '@@ end',
      '',
    ].join('\n');
    assert.deepEqual(parseHostFacts(text), {
      os: { family: 'redhat', id: 'rocky', version: '9.3' },
      arch: 'aarch64',
      init: 'systemd',
      hostname: 'n1',
      interfaces: { eth0: ['10.0.0.5'] },
      cpus: 4,
      memoryMb: 7868,
      packageManager: 'dnf',
    });
  });

  it('refuses output that is not from the facts script', () => assert.throws(() => factSections('sh: 1: syntax error'), /no labelled output/));

  // Any Linux, not only the Debian the lab runs: each fact is checked against what Node reads itself.
  it("the script runs under this machine's sh and yields its facts", () => {
    const facts = parseHostFacts(execFileSync('sh', ['-c', FACTS_SCRIPT]).toString());
    const release = ['/etc/os-release', '/usr/lib/os-release'].find((f) => existsSync(f));
    assert.deepEqual(facts.os, osFromRelease(release ? readFileSync(release, 'utf8') : ''));
    assert.equal(facts.arch, machine());
    assert.equal(facts.hostname, hostname());
    assert.equal(facts.packageManager, expectedPackageManager());
    assert.ok(facts.cpus >= 1 && facts.memoryMb > 100);
    assert.deepEqual(facts.interfaces['lo']?.[0], '127.0.0.1');
  });
});
