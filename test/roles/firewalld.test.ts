import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { ConfigError } from '../../lib/core/errors.js';
import { changedIds, changesById, converge, FakeHost } from '../../lib/testing/index.js';
import prod from '../../inventory/prod.js';
import firewalld, { mainZone, trustedZone, RELOAD, RELOAD_COMMAND, restartIfActive } from '../../roles/firewalld/index.js';
import { hostMatrix } from '../../roles/firewalld/ports.js';
import { forHost, inventory, runOn, SMALL } from './helpers.js';

const UNIT = '[Unit]\nDescription=firewalld\n[Service]\nExecStart=/usr/sbin/firewalld --nofork\n[Install]\nWantedBy=multi-user.target\n';

/** A host where firewalld can be installed, and the handler's commands are scripted and recorded. */
function fresh(kind: 'debian' | 'rhel', name: string): FakeHost {
  const h = kind === 'debian' ? FakeHost.debian(name) : FakeHost.rhel(name);
  h.offer('firewalld', { version: '1.3.0', files: { '/usr/lib/systemd/system/firewalld.service': UNIT, '/usr/lib/firewalld/zones/public.xml': '<zone/>\n' } });
  h.script(RELOAD_COMMAND, {}).script(restartIfActive('docker.service'), {});
  return h;
}

const IDS = [
  'package:firewalld',
  'directory:/etc/firewalld/zones',
  'template:/etc/firewalld/zones/public.xml',
  'template:/etc/firewalld/zones/trusted.xml',
  'service:firewalld.service',
];

const MASTER_XML = `<?xml version="1.0" encoding="utf-8"?>
<zone>
  <short>Public</short>
  <description>Managed by tsplay (role firewalld) on master-1: etcd, control_plane, nodes, flannel. Changes here are overwritten.</description>
  <forward/>
  <service name="ssh"/>
  <service name="dhcpv6-client"/>
  <port port="2379-2380" protocol="tcp"/>
  <port port="6443" protocol="tcp"/>
  <port port="10257" protocol="tcp"/>
  <port port="10259" protocol="tcp"/>
  <port port="10250" protocol="tcp"/>
  <port port="10256" protocol="tcp"/>
  <port port="8472" protocol="udp"/>
  <masquerade/>
</zone>
`;

const TRUSTED_XML = `<?xml version="1.0" encoding="utf-8"?>
<zone target="ACCEPT">
  <short>Trusted</short>
  <description>Managed by tsplay (role firewalld): pod and service networks. Changes here are overwritten.</description>
  <source address="10.244.0.0/16"/>
  <source address="10.96.0.0/12"/>
  <forward/>
</zone>
`;

const LB_XML = `<?xml version="1.0" encoding="utf-8"?>
<zone>
  <short>Public</short>
  <description>Managed by tsplay (role firewalld) on lb-1: lb. Changes here are overwritten.</description>
  <forward/>
  <service name="ssh"/>
  <service name="dhcpv6-client"/>
  <port port="6443" protocol="tcp"/>
  <masquerade/>
  <rule family="ipv4">
    <source address="10.0.0.12"/>
    <protocol value="112"/>
    <accept/>
  </rule>
</zone>
`;

const ports = (name: string, opts: Parameters<typeof forHost>[2] = {}) => {
  const r = forHost(firewalld, name, opts);
  return hostMatrix(r.vars, r.host, r.cluster).ports.map((p) => `${p.port}/${p.protocol}`);
};

describe('roles/firewalld', () => {
  for (const kind of ['debian', 'rhel'] as const) {
    it(`${kind}: fresh host -> check lists every change -> apply converges -> nothing left`, async () => {
      const h = fresh(kind, 'master-1');
      const { first, applied, second } = await converge(h, forHost(firewalld, 'master-1').resources);
      assert.deepEqual(changedIds(first), IDS);
      assert.equal(applied.failure, undefined);
      assert.deepEqual(changedIds(second), []);
      assert.equal(h.read('/etc/firewalld/zones/public.xml'), MASTER_XML);
      assert.equal(h.read('/etc/firewalld/zones/trusted.xml'), TRUSTED_XML);
      assert.equal(h.fs.get('/etc/firewalld/zones/public.xml')?.mode, 0o644);
      assert.deepEqual(h.service('firewalld.service'), { enabled: true, active: true });
      assert.deepEqual(
        h.log.find((a) => a.a === 'package'),
        { a: 'package', state: 'present', names: ['firewalld'], manager: kind === 'debian' ? 'apt' : 'dnf' },
      );
    });
  }

  it('the zone files notify the reload handler; the package, directory and service do not', () => {
    const { resources, handlers } = forHost(firewalld, 'master-1');
    assert.deepEqual(
      resources.filter((r) => r.notify?.includes(RELOAD)).map((r) => r.id),
      IDS.slice(2, 4),
    );
    assert.deepEqual(handlers[RELOAD], [
      { a: 'command', command: RELOAD_COMMAND },
      { a: 'command', command: 'if systemctl is-active --quiet docker.service; then systemctl restart docker.service; fi' },
    ]);
  });

  describe('port matrix', () => {
    const inv = inventory(prod);
    it('an lb host: the frontend port only, VRRP from the other lb host', () => {
      assert.deepEqual(ports('lb-1', { inv }), ['6443/tcp']);
      assert.equal(mainZone(forHost(firewalld, 'lb-1', { inv }).vars, inv.hosts[0]!, inv.cluster), LB_XML);
      const lb2 = forHost(firewalld, 'lb-2', { inv });
      assert.deepEqual(hostMatrix(lb2.vars, lb2.host, lb2.cluster).vrrpPeers, ['10.0.0.11']);
    });

    it('a master (etcd + control plane + node): etcd, apiserver, controller-manager, scheduler, kubelet, kube-proxy, flannel', () => {
      assert.deepEqual(ports('master-2', { inv }), ['2379-2380/tcp', '6443/tcp', '10257/tcp', '10259/tcp', '10250/tcp', '10256/tcp', '8472/udp']);
    });

    it('a worker: kubelet, kube-proxy, NodePorts, flannel; no VRRP, no etcd', () => {
      assert.deepEqual(ports('worker-3', { inv }), ['10250/tcp', '10256/tcp', '30000-32767/tcp', '8472/udp']);
      const w = forHost(firewalld, 'worker-3', { inv });
      assert.deepEqual(hostMatrix(w.vars, w.host, w.cluster).vrrpPeers, []);
      assert.doesNotMatch(mainZone(w.vars, w.host, w.cluster), /<rule|2379/);
    });

    it("the LB frontend and the control plane follow the cluster's apiserver_port; extra ports per group; duplicates once", () => {
      const custom = inventory({
        ...SMALL,
        groups: { ...SMALL.groups, lb: { hosts: ['lb-1', 'lb-2'], vars: { vip: '10.0.0.10', firewalld_extra_ports: ['8404/tcp', '8443/tcp'] } } },
        vars: { ...SMALL.vars, apiserver_port: 8443 },
      });
      assert.deepEqual(ports('lb-1', { inv: custom }), ['8443/tcp', '8404/tcp']);
      assert.deepEqual(ports('master-1', { inv: custom }).slice(0, 2), ['2379-2380/tcp', '8443/tcp']);
    });

    it("etcd's ports are the cluster's etcd_client_port and etcd_peer_port", () => {
      const custom = inventory({ ...SMALL, vars: { ...SMALL.vars, etcd_client_port: 12379, etcd_peer_port: 12380 } });
      assert.deepEqual(ports('master-1', { inv: custom })[0], '12379-12380/tcp');
      const apart = inventory({ ...SMALL, vars: { ...SMALL.vars, etcd_client_port: 2379, etcd_peer_port: 2390 } });
      assert.deepEqual(ports('master-1', { inv: apart }).slice(0, 2), ['2379/tcp', '2390/tcp']);
    });

    it('an SSH port other than 22 stays open; without the ssh service 22 does too', () => {
      const inv2 = inventory({ ...SMALL, hosts: { ...SMALL.hosts, 'worker-1': { address: '10.0.0.31', port: 2222 } } });
      assert.equal(ports('worker-1', { inv: inv2 })[0], '2222/tcp');
      assert.equal(ports('worker-1', { overrides: { firewalld_services: [] } })[0], '22/tcp');
    });

    it('a control-plane group (no masters, no k8s) is found by the cluster model: the same matrix', () => {
      const cp = inventory({
        ...SMALL,
        groups: {
          lb: SMALL.groups!.lb!,
          etcd: SMALL.groups!.etcd!,
          'control-plane': { hosts: ['master-1'] },
          workers: { hosts: ['worker-1'] },
          nodes: { children: ['control-plane', 'workers'] },
        },
      });
      assert.deepEqual(ports('master-1', { inv: cp }), ['2379-2380/tcp', '6443/tcp', '10257/tcp', '10259/tcp', '10250/tcp', '10256/tcp', '8472/udp']);
      assert.deepEqual(ports('worker-1', { inv: cp }), ['10250/tcp', '10256/tcp', '30000-32767/tcp', '8472/udp']);
      const r = forHost(firewalld, 'master-1', { inv: cp });
      assert.match(mainZone(r.vars, r.host, r.cluster), /on master-1: etcd, control_plane, nodes, flannel\./);
    });

    it("groups named by the cluster's cluster_groups, a part's ports emptied, one part's ports overridden (the others keep their defaults)", () => {
      const renamed = inventory({
        ...SMALL,
        groups: {
          lb: SMALL.groups!.lb!,
          etcd: SMALL.groups!.etcd!,
          cp: { hosts: ['master-1'] },
          pool: { hosts: ['worker-1'] },
          all_nodes: { children: ['cp', 'pool'] },
        },
        vars: { ...SMALL.vars, cluster_groups: { controlPlane: 'cp', workers: 'pool', nodes: 'all_nodes' } },
      });
      const overrides = { firewalld_ports: { workers: ['30000-32767/tcp', '30000-32767/udp'], flannel: [] } };
      // flannel's own port list emptied: the backend's port comes from the cluster model and stays.
      assert.deepEqual(ports('worker-1', { inv: renamed, overrides }), ['10250/tcp', '10256/tcp', '30000-32767/tcp', '30000-32767/udp', '8472/udp']);
      assert.deepEqual(ports('master-1', { inv: renamed, overrides }), [
        '2379-2380/tcp',
        '6443/tcp',
        '10257/tcp',
        '10259/tcp',
        '10250/tcp',
        '10256/tcp',
        '8472/udp',
      ]);
    });

    it("flannel's port follows the cluster's backend: VXLAN's flannel_vxlan_port, WireGuard's 51820, none for host-gw (routed)", () => {
      const backend = (vars: Record<string, unknown>) =>
        ports('worker-1', { inv: inventory({ ...SMALL, vars: { ...SMALL.vars, ...vars } }) }).filter((p) => p.endsWith('/udp'));
      assert.deepEqual(backend({}), ['8472/udp']);
      assert.deepEqual(backend({ flannel_vxlan_port: 4789 }), ['4789/udp']);
      assert.deepEqual(backend({ flannel_backend: 'wireguard' }), ['51820/udp']);
      assert.deepEqual(backend({ flannel_backend: 'host-gw' }), []);
      assert.throws(
        () => backend({ flannel_backend: 'udp' }),
        (e: unknown) =>
          e instanceof ConfigError && e.message.includes('vars.flannel_backend') && /expected "vxlan", "host-gw" or "wireguard", got "udp"/.test(e.message),
      );
    });

    it('VRRP off: no rich rules', () => {
      const r = forHost(firewalld, 'lb-1', { overrides: { firewalld_vrrp: false } });
      assert.doesNotMatch(mainZone(r.vars, r.host, r.cluster), /<rule/);
    });

    it('IPv6 peers get an ipv6 rule; trusted sources include extra CIDRs', async () => {
      // No VIP: the cluster model would refuse one outside lb-2's subnet.
      const v6 = inventory({
        ...SMALL,
        hosts: { ...SMALL.hosts, 'lb-2': { address: 'fd00::12' } },
        groups: { ...SMALL.groups, lb: { hosts: ['lb-1', 'lb-2'] } },
      });
      const r = forHost(firewalld, 'lb-1', { inv: v6, overrides: { firewalld_trusted_sources: ['fd00:10:244::/56'] } });
      assert.match(mainZone(r.vars, r.host, r.cluster), /<rule family="ipv6">\n {4}<source address="fd00::12"\/>/);
      const h = fresh('debian', 'lb-1');
      await converge(h, r.resources);
      assert.match(h.read('/etc/firewalld/zones/trusted.xml') ?? '', /<source address="10.96.0.0\/12"\/>\n {2}<source address="fd00:10:244::\/56"\/>/);
    });
  });

  describe('handlers', () => {
    it('fire only on change: a fresh host reloads once, a converged one not at all', async () => {
      const h = fresh('debian', 'worker-1');
      const run1 = await runOn(h, firewalld, 'worker-1');
      assert.equal(run1.error, undefined);
      assert.deepEqual(run1.handlers, [RELOAD]);
      assert.deepEqual(h.commands, [RELOAD_COMMAND, restartIfActive('docker.service')]);
      const trips = h.roundTrips;
      const run2 = await runOn(h, firewalld, 'worker-1');
      assert.deepEqual(run2.handlers, []);
      assert.equal(run2.counts.changed, 0);
      assert.equal(h.roundTrips - trips, 1, 'a converged host: one query round trip, no firewall-cmd');
      assert.equal(h.commands.length, 2);
    });

    it('a changed port rewrites the zone and reloads; check mode only says it would', async () => {
      const h = fresh('rhel', 'worker-1');
      await runOn(h, firewalld, 'worker-1');
      const overrides = { firewalld_extra_ports: ['9100/tcp'] };
      const check = await runOn(h, firewalld, 'worker-1', { overrides, mode: 'check' });
      assert.deepEqual(
        check.events.filter((e) => e.kind === 'handler').map((e) => e.kind === 'handler' && e.status),
        ['would-change'],
      );
      assert.equal(h.commands.length, 2);
      const run = await runOn(h, firewalld, 'worker-1', { overrides });
      assert.deepEqual(
        run.events.flatMap((e) => (e.kind === 'resource' && e.status === 'changed' ? [e.resource] : [])),
        ['template:/etc/firewalld/zones/public.xml'],
      );
      assert.deepEqual(run.handlers, [RELOAD]);
      assert.equal(h.commands.length, 4);
      assert.match(h.read('/etc/firewalld/zones/public.xml') ?? '', /<port port="9100" protocol="tcp"\/>/);
    });

    it('a hand edit of a zone file is put back, with a diff', async () => {
      const h = fresh('debian', 'master-1');
      const { resources } = forHost(firewalld, 'master-1');
      await converge(h, resources);
      h.seedFile('/etc/firewalld/zones/public.xml', MASTER_XML.replace('  <masquerade/>\n', '  <port port="23" protocol="tcp"/>\n'));
      const { first, second } = await converge(h, resources);
      assert.deepEqual(
        changesById(first)['template:/etc/firewalld/zones/public.xml']?.map((c) => c.field),
        ['content'],
      );
      assert.equal(h.read('/etc/firewalld/zones/public.xml'), MASTER_XML);
      assert.deepEqual(changedIds(second), []);
    });
  });

  describe('vars', () => {
    const bad: [string, Record<string, unknown>, RegExp][] = [
      ['a port without protocol', { firewalld_extra_ports: ['6443'] }, /var firewalld_extra_ports\.0: expected port\/protocol/],
      ['a port out of range', { firewalld_ports: { workers: ['30000-70000/tcp'] } }, /var firewalld_ports\.workers\.0: .*ports must be 1-65535/],
      [
        'a range from high to low',
        { firewalld_extra_ports: ['9000-8000/tcp'] },
        /var firewalld_extra_ports\.0: .*ports must be 1-65535, a range from low to high/,
      ],
      ['a misspelt part', { firewalld_ports: { worker: ['1/tcp'] } }, /var firewalld_ports: .*worker/],
      [
        'a trusted source that is a name',
        { firewalld_trusted_sources: ['pods'] },
        /var firewalld_trusted_sources\.0: expected an IPv4 or IPv6 address or CIDR/,
      ],
      [
        'a trusted source with a bad prefix',
        { firewalld_trusted_sources: ['10.244.0.0/33'] },
        /var firewalld_trusted_sources\.0: expected an IPv4 or IPv6 address or CIDR/,
      ],
      ['a zone name that is too long', { firewalld_zone: 'kubernetes-cluster-zone' }, /var firewalld_zone: expected a zone name/],
      ['a service with a space', { firewalld_services: ['ssh server'] }, /var firewalld_services\.0: expected a name/],
    ];
    for (const [what, overrides, message] of bad) {
      it(`refuses ${what}, naming the field`, () => {
        assert.throws(
          () => forHost(firewalld, 'master-1', { overrides }),
          (e: Error) => e instanceof ConfigError && message.test(e.message) && /role firewalld on master-1/.test(e.message),
          message.source,
        );
      });
    }

    it('refuses a group that is not in the inventory, and the trusted zone being the main zone', () => {
      const lbs = inventory({ ...SMALL, vars: { ...SMALL.vars, cluster_groups: { lb: 'lbs' } } });
      assert.throws(
        () => forHost(firewalld, 'worker-1', { inv: lbs }),
        (e: Error) => e instanceof ConfigError && /no group "lbs" in the inventory/.test(e.message) && /vars\.cluster_groups\.lb/.test(e.message),
      );
      assert.throws(
        () => forHost(firewalld, 'worker-1', { overrides: { firewalld_trusted_zone: 'public' } }),
        /var firewalld_trusted_zone: "public" is also firewalld_zone/,
      );
    });

    it('refuses an lb peer without an IP address', () => {
      const inv = inventory({
        ...SMALL,
        hosts: { ...SMALL.hosts, 'lb-2': { address: 'lb-2.example.com' } },
        groups: { ...SMALL.groups, lb: { hosts: ['lb-1', 'lb-2'] } },
      });
      assert.throws(() => forHost(firewalld, 'lb-1', { inv }), /lb host lb-2 has cluster address "lb-2\.example\.com": VRRP rules need an IP address/);
    });

    it("pod and service CIDRs come from the cluster model (the inventory's cluster vars), checked there", () => {
      const inv = inventory({ ...SMALL, vars: { pod_cidr: '172.16.0.0/16', service_cidr: '172.17.0.0/16' } });
      const r = forHost(firewalld, 'worker-1', { inv });
      assert.match(trustedZone(r.vars, r.cluster), /<source address="172.16.0.0\/16"\/>\n {2}<source address="172.17.0.0\/16"\/>/);
      const bad = inventory({ ...SMALL, vars: { ...SMALL.vars, pod_cidr: '10.244.0.0/33' } });
      assert.throws(
        () => forHost(firewalld, 'worker-1', { inv: bad }),
        (e: Error) => e instanceof ConfigError && /vars\.pod_cidr/.test(e.message),
      );
    });
  });
});
