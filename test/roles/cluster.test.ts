/** The shared cluster topology: parts from groups, endpoints, ranges, and a bad cluster refused by field. */
import assert from 'node:assert/strict';
import { ConfigError } from '../../lib/core/errors.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import prod from '../../inventory/prod.js';
import { GROUP_NAMES, hostsOf, topology } from '../../roles/cluster/index.js';
import { inventory, SMALL } from './helpers.js';

const names = (hs: readonly { name: string }[]) => hs.map((h) => h.name);
const withVars = (vars: Record<string, unknown>, spec: InventorySpec = SMALL) => inventory({ ...spec, vars: { ...spec.vars, ...vars } }).cluster;

describe('roles/cluster: topology', () => {
  it('reads the example production inventory', () => {
    const t = topology(inventory(prod).cluster);
    assert.deepEqual(names(t.hosts.etcd), ['master-1', 'master-2', 'master-3']);
    assert.deepEqual(names(t.hosts.nodes), ['master-1', 'master-2', 'master-3', 'worker-1', 'worker-2', 'worker-3']);
    assert.deepEqual(names(t.hosts.workers), ['worker-1', 'worker-2', 'worker-3']);
    assert.deepEqual(names(t.hosts.lb), ['lb-1', 'lb-2']);
    assert.equal(t.vip, '10.0.0.10');
    assert.equal(t.apiEndpoint, 'https://10.0.0.10:6443');
    assert.equal(t.clusterDns, '10.96.0.10');
    assert.equal(t.name, 'prod');
  });

  it('a single host plays every part; the endpoint is that host', () => {
    const t = topology(
      inventory({
        hosts: { solo: { address: '192.168.5.2' } },
        groups: { etcd: { hosts: ['solo'] }, masters: { hosts: ['solo'] }, workers: { hosts: ['solo'] } },
      }).cluster,
    );
    assert.deepEqual([names(t.hosts.etcd), names(t.hosts.controlPlane), names(t.hosts.nodes), names(t.hosts.lb)], [['solo'], ['solo'], ['solo'], []]);
    assert.equal(t.vip, undefined);
    assert.equal(t.apiEndpoint, 'https://192.168.5.2:6443');
  });

  it('refuses a bad cluster, naming the field', () => {
    const even: InventorySpec = {
      ...SMALL,
      hosts: { ...SMALL.hosts, 'master-2': { address: '10.0.0.22' } },
      groups: { ...SMALL.groups, etcd: { hosts: ['master-1', 'master-2'] } },
    };
    const cases: [() => unknown, RegExp][] = [
      [() => topology(inventory(even).cluster), /^vars\.cluster_groups\.etcd: etcd needs an odd number of members for a quorum, got 2/],
      [() => topology(withVars({ vip: '10.0.1.10' })), /^vars\.vip: VIP 10\.0\.1\.10 is outside the subnet of lb host lb-1 \(10\.0\.0\.11\/24\)/],
      [() => topology(withVars({ vip: '10.0.0.11' })), /^vars\.vip: VIP 10\.0\.0\.11 is the address of lb host lb-1/],
      [() => topology(withVars({ pod_cidr: '10.96.0.0/16' })), /^vars\.pod_cidr: pod_cidr 10\.96\.0\.0\/16 overlaps service_cidr 10\.96\.0\.0\/12/],
      [() => topology(withVars({ pod_cidr: '10.0.0.0/16' })), /^vars\.pod_cidr: host lb-1 \(10\.0\.0\.11\) is inside pod_cidr/],
      [() => topology(withVars({ service_cidr: '10.96.0/12' })), /^vars\.service_cidr: expected a CIDR/],
      [() => topology(withVars({ cluster_dns: '10.244.0.10' })), /^vars\.cluster_dns: cluster_dns 10\.244\.0\.10 is outside service_cidr/],
      [() => topology(withVars({ cluster_groups: { lb: 'lbs' } })), /^vars\.cluster_groups\.lb: no group "lbs"/],
      [
        () => hostsOf(topology(withVars({ cluster_groups: { lb: '' } })), 'lb', 'haproxy'),
        /^vars\.cluster_groups\.lb: the haproxy role needs lb hosts, but no inventory group plays that part/,
      ],
    ];
    for (const [f, re] of cases) assert.throws(f, (e: Error) => e instanceof ConfigError && re.test(e.message), re.source);
  });

  it('parses every cluster var once with its schema (roles/cluster/cluster-schema.ts): a bad value is named with what it got', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ cluster_name: '../../etc' }, /^vars\.cluster_name: expected a name of letters, digits and \. _ - .*, got "\.\.\/\.\.\/etc"/],
      [{ cluster_domain: 'Cluster.Local' }, /^vars\.cluster_domain: expected a DNS domain such as cluster\.local, got "Cluster\.Local"/],
      [{ api_endpoint: 'http://10.0.0.10:6443' }, /^vars\.api_endpoint: expected an https URL/],
      [{ apiserver_port: 70000 }, /^vars\.apiserver_port: expected a port \(1-65535\), got 70000/],
      [{ apiserver_port: '6443' }, /^vars\.apiserver_port: expected a number, got "6443"/],
      [{ vip_prefix: 0 }, /^vars\.vip_prefix: .*, got 0/],
      [{ cluster_dns: 'ten' }, /^vars\.cluster_dns: expected an IPv4 or IPv6 address, got "ten"/],
      [{ pki_key_type: 'ecdsaa' }, /^vars\.pki_key_type: expected "ecdsa" or "rsa", got "ecdsaa"\. Did you mean "ecdsa"\?/],
      [{ apiserver_extra_sans: 'a.example' }, /^vars\.apiserver_extra_sans: expected a array, got "a\.example"/],
    ];
    for (const [vars, re] of cases)
      assert.throws(
        () => topology(withVars(vars)),
        (e: Error) => e instanceof ConfigError && re.test(e.message),
        re.source,
      );
    const t = topology(withVars({ cluster_name: 'prod-eu.1', pki_key_type: 'rsa' }));
    assert.deepEqual([t.name, t.apiserverPort, t.settings.pki_key_type, t.settings.cluster_domain], ['prod-eu.1', 6443, 'rsa', 'cluster.local']);
  });

  it('a cluster-wide var set by a group or host, unlike the global value, is refused: the topology would ignore it', () => {
    const onGroup = (vars: Record<string, unknown>, global: Record<string, unknown> = {}) =>
      topology(inventory({ ...SMALL, vars: { ...SMALL.vars, ...global }, groups: { ...SMALL.groups, lb: { ...SMALL.groups!['lb']!, vars } } }).cluster);
    assert.throws(
      () => onGroup({ service_cidr: '10.100.0.0/16' }),
      (e: Error) =>
        e instanceof ConfigError &&
        /^vars\.service_cidr: service_cidr is cluster-wide and read once, from the inventory's global vars: host lb-1 gets "10\.100\.0\.0\/16"/.test(e.message),
    );
    assert.throws(() => onGroup({ apiserver_port: 8443 }), /apiserver_port is cluster-wide/);
    assert.throws(() => onGroup({ pki_key_type: 'rsa' }), /pki_key_type is cluster-wide/);
    // The same value as the global one (or its default) changes nothing, and the VIP and per-host vars may sit there.
    assert.equal(onGroup({ apiserver_port: 6443, service_cidr: '10.96.0.0/12' }).apiserverPort, 6443);
    assert.equal(onGroup({ pod_cidr: '10.200.0.0/16' }, { pod_cidr: '10.200.0.0/16' }).podCidr, '10.200.0.0/16');
    assert.equal(onGroup({ vip: '10.0.0.10', k8s_arch: 'arm64' }).vip, '10.0.0.10');
  });

  it('is computed once per inventory', () => {
    const c = inventory().cluster;
    assert.equal(topology(c), topology(c));
  });

  it("etcd's ports are cluster facts: read once from the global vars, refused on a group (#13)", () => {
    assert.deepEqual([topology(inventory().cluster).etcdClientPort, topology(inventory().cluster).etcdPeerPort], [2379, 2380]);
    const set = inventory({ ...SMALL, vars: { ...SMALL.vars, etcd_client_port: 12379, etcd_peer_port: 12380 } });
    assert.deepEqual([topology(set.cluster).etcdClientPort, topology(set.cluster).etcdPeerPort], [12379, 12380]);
    const onGroup = inventory({ ...SMALL, groups: { ...SMALL.groups, etcd: { hosts: ['master-1'], vars: { etcd_client_port: 3379 } } } });
    assert.throws(
      () => topology(onGroup.cluster),
      (e: Error) => e instanceof ConfigError && /etcd_client_port is cluster-wide/.test(e.message),
    );
    assert.throws(() => topology(inventory({ ...SMALL, vars: { ...SMALL.vars, etcd_peer_port: '2380' } }).cluster), /vars\.etcd_peer_port/);
  });

  it("the playbooks' group names are conventional names the cluster model finds by itself", () => {
    const t = topology(inventory(prod).cluster);
    assert.deepEqual(t.groups, GROUP_NAMES);
  });
});
