import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { ConfigError } from '../../lib/core/errors.js';
import { changedIds, changesById, converge, FakeHost } from '../../lib/testing/index.js';
import prereqs from '../../roles/prereqs/index.js';
import { BEGIN, editHosts, END } from '../../roles/prereqs/etc-hosts.js';
import { commentOutSwap } from '../../roles/prereqs/fstab.js';
import { ENFORCE_QUERY, permissiveConfig } from '../../roles/prereqs/selinux.js';
import { MASK_SWAP, SWAP_GUARD, SWAP_MASKED } from '../../roles/prereqs/swap.js';
import { forHost, inventory, runOn, SMALL } from './helpers.js';

const FSTAB = 'UUID=1 / ext4 defaults 0 1\n/swapfile none swap sw 0 0\n# /old none swap sw 0 0\n';
const GUARD = SWAP_GUARD;

const SELINUX_CONFIG = '# This file controls the state of SELinux on the system.\nSELINUX=enforcing\nSELINUXTYPE=targeted\n';

/**
 * A host with swap on (until swapoff runs), a swap line in fstab and the base packages on offer; a RHEL
 * one has SELinux enforcing (until setenforce 0) and says so in /etc/selinux/config, as Rocky 9 ships.
 */
function fresh(kind: 'debian' | 'rhel'): FakeHost {
  const h = kind === 'debian' ? FakeHost.debian('master-1') : FakeHost.rhel('master-1');
  let swapOn = true;
  let swapTargetMasked = false;
  let enforcing = kind === 'rhel';
  h.script(GUARD, () => ({ exitCode: swapOn ? 0 : 1 })).script('swapoff -a', () => {
    swapOn = false;
  });
  h.script(SWAP_MASKED, () => ({ exitCode: swapTargetMasked ? 0 : 1 })).script(MASK_SWAP, () => {
    swapTargetMasked = true;
  });
  h.script(ENFORCE_QUERY, () => ({ stdout: kind === 'rhel' ? (enforcing ? '1\n' : '0\n') : '' })).script('setenforce 0', () => {
    enforcing = false;
  });
  if (kind === 'rhel') h.seedFile('/etc/selinux/config', SELINUX_CONFIG);
  h.seedFile('/etc/fstab', FSTAB);
  for (const p of ['conntrack', 'conntrack-tools', 'socat', 'ipset']) h.offer(p);
  return h;
}

const IDS = (pkgs: string, kind: 'debian' | 'rhel' = 'debian') => [
  `package:${pkgs}`,
  'module:br_netfilter',
  'module:overlay',
  'sysctl:net.ipv4.ip_forward',
  'sysctl:net.ipv6.conf.all.forwarding',
  'sysctl:net.bridge.bridge-nf-call-iptables',
  'sysctl:net.bridge.bridge-nf-call-ip6tables',
  'command:swapoff -a',
  'fstab:/etc/fstab:swap',
  `command:${MASK_SWAP}`,
  ...(kind === 'rhel' ? ['selinux:permissive'] : []),
  'hosts:/etc/hosts',
];

const BLOCK = `${BEGIN}\n10.0.0.11\tlb-1\n10.0.0.12\tlb-2\n10.0.0.21\tmaster-1\n10.0.0.31\tworker-1\n${END}\n`;

describe('roles/prereqs', () => {
  for (const kind of ['debian', 'rhel'] as const) {
    it(`${kind}: fresh host -> check lists every change -> apply converges -> nothing left`, async () => {
      const h = fresh(kind);
      const { resources } = forHost(prereqs, 'master-1');
      const { first, applied, second } = await converge(h, resources);
      assert.deepEqual(changedIds(first), IDS('conntrack,socat,ipset,conntrack-tools', kind));
      assert.equal(applied.failure, undefined);
      assert.deepEqual(changedIds(second), []);

      for (const k of ['net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding', 'net.bridge.bridge-nf-call-iptables', 'net.bridge.bridge-nf-call-ip6tables']) {
        assert.equal(h.sysctls.get(k), '1', k);
        assert.equal(h.read(`/etc/sysctl.d/90-tsplay-${k}.conf`), `${k} = 1\n`);
      }
      assert.ok(h.modules.has('br_netfilter') && h.modules.has('overlay'));
      assert.equal(h.read('/etc/modules-load.d/br_netfilter.conf'), 'br_netfilter\n');
      assert.equal(h.read('/etc/modules-load.d/overlay.conf'), 'overlay\n');
      assert.equal(h.read('/etc/fstab'), 'UUID=1 / ext4 defaults 0 1\n# /swapfile none swap sw 0 0\n# /old none swap sw 0 0\n');
      assert.equal(h.read('/etc/hosts'), `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${BLOCK}`);
      assert.deepEqual(
        h.commands.filter((c) => c === 'swapoff -a'),
        ['swapoff -a'],
      );
      assert.deepEqual(
        h.commands.filter((c) => c === MASK_SWAP),
        [MASK_SWAP],
        'swap.target masked once: a zram swap would come back at boot',
      );
    });
  }

  it('through the runner: a converged host costs one round trip and changes nothing', async () => {
    const h = fresh('debian');
    const run1 = await runOn(h, prereqs, 'master-1');
    assert.equal(run1.error, undefined);
    assert.equal(run1.counts.changed, IDS('').length);
    const trips = h.roundTrips;
    const run2 = await runOn(h, prereqs, 'master-1');
    assert.deepEqual([run2.counts.changed, h.roundTrips - trips], [0, 1]);
  });

  it("installs the family's package names with its package manager", async () => {
    const names = async (kind: 'debian' | 'rhel') => {
      const h = fresh(kind);
      await converge(h, forHost(prereqs, 'master-1').resources);
      return h.log.filter((a) => a.a === 'package');
    };
    assert.deepEqual(await names('debian'), [{ a: 'package', state: 'present', names: ['conntrack', 'socat', 'ipset'], manager: 'apt' }]);
    assert.deepEqual(await names('rhel'), [{ a: 'package', state: 'present', names: ['conntrack-tools', 'socat', 'ipset'], manager: 'dnf' }]);
  });

  it('modules load before the bridge sysctls that need them', () => {
    const ids = forHost(prereqs, 'master-1').resources.map((r) => r.id);
    assert.ok(ids.indexOf('module:br_netfilter') < ids.indexOf('sysctl:net.bridge.bridge-nf-call-iptables'));
  });

  it('no swap in /proc/swaps (a container): swapoff never runs', async () => {
    const h = fresh('debian').script(GUARD, { exitCode: 1 });
    const { first } = await converge(h, forHost(prereqs, 'master-1').resources);
    assert.ok(!changedIds(first).includes('command:swapoff -a'));
    assert.ok(!h.commands.includes('swapoff -a'));
  });

  it('an unknown OS family fails the package check, naming the OS and the families given', async () => {
    const h = fresh('debian');
    h.facts = { ...h.facts, os: { family: 'unknown', id: 'alpine', version: '3.19' } };
    const { first } = await converge(h, forHost(prereqs, 'master-1').resources.slice(0, 1));
    assert.match(first.planned[0]?.error ?? '', /no package names for OS "alpine" \(given for debian and redhat\)/);
  });

  describe('vars', () => {
    it('inventory vars, flat or scoped under the role name, and -e override the defaults', () => {
      const inv = inventory({
        ...SMALL,
        vars: { ...SMALL.vars, prereqs_hosts_domain: 'prod.example' },
        hosts: { ...SMALL.hosts, 'worker-1': { address: '10.0.0.31', vars: { prereqs: { prereqs_swap_off: false } } } },
      });
      const w = forHost(prereqs, 'worker-1', { inv });
      assert.equal(w.vars.prereqs_swap_off, false);
      assert.ok(!w.resources.some((r) => r.id === 'command:swapoff -a' || r.id.startsWith('fstab:')));
      assert.equal(w.vars.prereqs_hosts_domain, 'prod.example');
      assert.equal(
        forHost(prereqs, 'worker-1', { inv, extra: { prereqs_etc_hosts: 'no' } }).resources.some((r) => r.id === 'hosts:/etc/hosts'),
        false,
      );
    });

    it('a play override of the package lists and sysctls', () => {
      const r = forHost(prereqs, 'master-1', { overrides: { prereqs_packages: { debian: [], redhat: [] }, prereqs_sysctls: { 'net.core.somaxconn': 4096 } } });
      assert.deepEqual(
        r.resources.filter((x) => /^(package|sysctl):/.test(x.id)).map((x) => x.id),
        ['sysctl:net.core.somaxconn'],
      );
    });

    const bad: [string, Record<string, unknown>, RegExp][] = [
      ['a sysctl key with a space', { prereqs_sysctls: { 'net ipv4': 1 } }, /var prereqs_sysctls\.net ipv4: expected a sysctl key/],
      ['a sysctl value that is a list', { prereqs_sysctls: { 'net.ipv4.ip_forward': [1] } }, /var prereqs_sysctls\.net\.ipv4\.ip_forward: /],
      ['a package name with a space', { prereqs_packages: { debian: ['conn track'], redhat: [] } }, /var prereqs_packages\.debian\.0: expected a package name/],
      ['a missing family', { prereqs_packages: { debian: [] } }, /var prereqs_packages\.redhat: /],
      ['a module name with a slash', { prereqs_kernel_modules: ['../x'] }, /var prereqs_kernel_modules\.0: expected a kernel module name/],
      ['swap off as a string', { prereqs_swap_off: 'yes' }, /var prereqs_swap_off: /],
      [
        'an extra host with a bad address',
        { prereqs_extra_hosts: [{ address: '10.0.0.300', names: ['registry'] }] },
        /var prereqs_extra_hosts\.0\.address: expected an IPv4 or IPv6 address/,
      ],
      ['an extra host without names', { prereqs_extra_hosts: [{ address: '10.0.0.5', names: [] }] }, /var prereqs_extra_hosts\.0\.names: /],
      ['a domain with a space', { prereqs_hosts_domain: 'prod example' }, /var prereqs_hosts_domain: /],
    ];
    for (const [what, overrides, message] of bad) {
      it(`refuses ${what}, naming the field`, () => {
        assert.throws(
          () => forHost(prereqs, 'master-1', { overrides }),
          (e: Error) => e instanceof ConfigError && message.test(e.message) && /role prereqs on master-1/.test(e.message),
          message.source,
        );
      });
    }
  });

  describe('/etc/hosts', () => {
    it('domain names first, extra entries after the cluster, hosts without an IP left out', () => {
      const inv = inventory({ ...SMALL, hosts: { ...SMALL.hosts, bastion: { address: 'bastion.example.com' } } });
      const r = forHost(prereqs, 'master-1', {
        inv,
        overrides: { prereqs_hosts_domain: 'k8s.lan', prereqs_extra_hosts: [{ address: '10.0.0.5', names: ['registry.k8s.lan', 'registry'] }] },
      });
      const hosts = r.resources.find((x) => x.id === 'hosts:/etc/hosts')!;
      const [change] = hosts.check([{ exists: true, type: 'file', content: '' }], FakeHost.debian().facts);
      assert.equal(
        (change as { diff: { after: string } }).diff.after,
        `${BEGIN}\n10.0.0.11\tlb-1.k8s.lan lb-1\n10.0.0.12\tlb-2.k8s.lan lb-2\n10.0.0.21\tmaster-1.k8s.lan master-1\n10.0.0.31\tworker-1.k8s.lan worker-1\n10.0.0.5\tregistry.k8s.lan registry\n${END}\n`,
      );
    });

    const entries = [
      { address: '10.0.0.21', names: ['master-1'] },
      { address: '10.0.0.31', names: ['worker-1'] },
    ];
    const block = `${BEGIN}\n10.0.0.21\tmaster-1\n10.0.0.31\tworker-1\n${END}\n`;
    const table: [string, string, string][] = [
      ['appends the block, keeping the rest', '127.0.0.1 localhost\n', `127.0.0.1 localhost\n${block}`],
      ['replaces an old block in place', `a\n${BEGIN}\n10.0.0.9\told\n${END}\nb\n`, `a\n${block}b\n`],
      [
        'a loopback line for a managed name is commented out',
        '127.0.0.1 localhost\n127.0.1.1 master-1\n',
        `127.0.0.1 localhost\n# 127.0.1.1 master-1\n${block}`,
      ],
      ['only the clashing names leave a shared line', '127.0.1.1 master-1.lan MASTER-1 other # note\n', `127.0.1.1\tmaster-1.lan other # note\n${block}`],
      ['the same address outside the block is left alone', '10.0.0.21 master-1\n', `10.0.0.21 master-1\n${block}`],
      ['comments and blank lines are untouched', '# 127.0.1.1 master-1\n\n', `# 127.0.1.1 master-1\n\n${block}`],
    ];
    for (const [name, before, after] of table) {
      it(name, () => {
        assert.equal(editHosts(before, entries), after);
        assert.equal(editHosts(after, entries), after, 'a second edit is a no-op');
      });
    }

    it('keeps the file mode; a second run after an inventory change rewrites only the block', async () => {
      const h = FakeHost.debian('master-1').seedFile('/etc/hosts', '127.0.0.1 localhost\n127.0.1.1 master-1\n', { mode: 0o604 });
      const only = (inv = inventory()) => forHost(prereqs, 'master-1', { inv }).resources.filter((r) => r.id === 'hosts:/etc/hosts');
      await converge(h, only());
      assert.equal(h.fs.get('/etc/hosts')?.mode, 0o604);
      const bigger = inventory({
        ...SMALL,
        hosts: { ...SMALL.hosts, 'worker-2': { address: '10.0.0.32' } },
        groups: { ...SMALL.groups, workers: { hosts: ['worker-1', 'worker-2'] } },
      });
      const { first, second } = await converge(h, only(bigger));
      assert.deepEqual(changesById(first)['hosts:/etc/hosts'], [
        {
          field: 'content',
          diff: {
            before: `127.0.0.1 localhost\n# 127.0.1.1 master-1\n${BLOCK}`,
            after: `127.0.0.1 localhost\n# 127.0.1.1 master-1\n${BLOCK.replace(END, `10.0.0.32\tworker-2\n${END}`)}`,
          },
        },
      ]);
      assert.deepEqual(changedIds(second), []);
    });
  });

  describe('SELinux', () => {
    it('rhel: enforcing becomes permissive now and at boot, the rest of the config kept; then nothing to do', async () => {
      const h = fresh('rhel');
      const only = () => forHost(prereqs, 'master-1').resources.filter((r) => r.id === 'selinux:permissive');
      const { first, second } = await converge(h, only());
      assert.deepEqual(
        changesById(first)['selinux:permissive']!.map((c) => c.field),
        ['mode', 'content'],
      );
      assert.deepEqual(
        h.commands.filter((c) => c === 'setenforce 0'),
        ['setenforce 0'],
      );
      assert.equal(h.read('/etc/selinux/config'), SELINUX_CONFIG.replace('SELINUX=enforcing', 'SELINUX=permissive'));
      assert.deepEqual(changedIds(second), []);
    });

    it('only the SELINUX= line changes; permissive, disabled and commented lines are left', () => {
      assert.equal(
        permissiveConfig('SELINUX=enforcing\n# SELINUX=enforcing\nSELINUXTYPE=targeted\n'),
        'SELINUX=permissive\n# SELINUX=enforcing\nSELINUXTYPE=targeted\n',
      );
      for (const t of ['SELINUX=permissive\n', 'SELINUX=disabled\n', '']) assert.equal(permissiveConfig(t), t);
    });

    it("prereqs_selinux: 'keep' leaves SELinux alone (a labelled host with container-selinux)", () => {
      assert.ok(!forHost(prereqs, 'master-1', { overrides: { prereqs_selinux: 'keep' } }).resources.some((r) => r.id.startsWith('selinux:')));
      assert.throws(() => forHost(prereqs, 'master-1', { overrides: { prereqs_selinux: 'off' } }), /var prereqs_selinux: /);
    });
  });

  describe('fstab', () => {
    const table: [string, string, string][] = [
      ['comments out swap entries only', FSTAB, 'UUID=1 / ext4 defaults 0 1\n# /swapfile none swap sw 0 0\n# /old none swap sw 0 0\n'],
      ['keeps tabs, spacing and a missing final newline', '/dev/sda2\tnone\tswap\tsw\t0\t0', '# /dev/sda2\tnone\tswap\tsw\t0\t0'],
      ['a mount point named swap is not a swap entry', '/dev/sdb1 /swap ext4 defaults 0 2\n', '/dev/sdb1 /swap ext4 defaults 0 2\n'],
    ];
    for (const [name, before, after] of table) it(name, () => assert.equal(commentOutSwap(before), after));

    it('a host without /etc/fstab (a container) has nothing to do', async () => {
      const h = FakeHost.debian('master-1');
      const { first } = await converge(
        h,
        forHost(prereqs, 'master-1').resources.filter((r) => r.id.startsWith('fstab:')),
      );
      assert.deepEqual(changedIds(first), []);
    });
  });
});
