/**
 * Kubespray's inventory layout (test/fixtures/inventory/kubespray/inventory.ini, Kubespray's
 * inventory/sample/inventory.ini written again) read with tsplay's group names: the alias table, the newer
 * layout without k8s_cluster, Kubespray's host vars, errors with file:line, and site.ts's --list-hosts.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inventorySource } from '../../lib/cli/inventory-cmd.js';
import { addKubesprayAliases, KUBESPRAY_ALIASES, loadAnsibleInventory, parseIni, toSpec } from '../../lib/inventory/ansible/index.js';
import { CLUSTER_ADDRESS_VAR as LIB_CLUSTER_ADDRESS_VAR } from '../../lib/inventory/ansible/kubespray.js';
import { groupAliasNotes } from '../../lib/inventory/index.js';
import { buildInventory, selectHosts } from '../../lib/inventory/index.js';
import { CLUSTER_ADDRESS_VAR, clusterAddress, GROUP_NAMES, topology } from '../../roles/cluster/index.js';
import { Fleet, tsplay } from '../cli/helpers.js';
import { packStandins } from '../fixtures/standins/pack.js';

const SAMPLE = 'test/fixtures/inventory/kubespray/inventory.ini';
const ini = (text: string, file = 'inventory.ini') => {
  const inv = parseIni(text, file);
  addKubesprayAliases(inv);
  return toSpec(inv);
};
const names = (inv: ReturnType<typeof buildInventory>, pattern: string) => selectHosts(inv, pattern).map((h) => h.name);

describe("Kubespray's inventory layout", () => {
  it("the alias table's targets are the shipped playbooks' group names (roles/cluster GROUP_NAMES)", () => {
    assert.deepEqual(
      KUBESPRAY_ALIASES.map((a) => a.group),
      [GROUP_NAMES.controlPlane, GROUP_NAMES.workers, GROUP_NAMES.nodes],
    );
    assert.equal(GROUP_NAMES.etcd, 'etcd', "Kubespray's etcd group keeps its name");
    assert.equal(GROUP_NAMES.lb, 'lb');
    assert.equal(LIB_CLUSTER_ADDRESS_VAR, CLUSTER_ADDRESS_VAR, "Kubespray's ip lands in the var roles/cluster reads");
  });

  it("Kubespray's sample: masters = kube_control_plane, workers = kube_node, k8s = k8s_cluster, an empty lb; the parts as site.ts sees them", () => {
    const spec = loadAnsibleInventory(SAMPLE);
    assert.deepEqual(spec.groups!.masters, { children: ['kube_control_plane'] });
    assert.deepEqual(spec.groups!.workers, { children: ['kube_node'] });
    assert.deepEqual(spec.groups!.k8s, { children: ['k8s_cluster'] });
    assert.deepEqual(spec.groups!.lb, {});
    const inv = buildInventory(spec, SAMPLE);
    assert.deepEqual(names(inv, 'masters'), ['node1', 'node2', 'node3']);
    assert.deepEqual(names(inv, 'workers'), ['node2', 'node3', 'node4', 'node5', 'node6']);
    assert.deepEqual(names(inv, 'k8s'), ['node1', 'node2', 'node3', 'node4', 'node5', 'node6']);
    assert.deepEqual(names(inv, 'etcd:k8s:lb'), ['node1', 'node2', 'node3', 'node4', 'node5', 'node6']);
    const t = topology(inv.cluster);
    // lb has no host: no part plays it (the API load balancer play selects nobody).
    assert.deepEqual(t.groups, { etcd: 'etcd', controlPlane: 'masters', nodes: 'k8s', workers: 'workers', lb: '' });
    assert.deepEqual(
      t.hosts.etcd.map((h) => h.name),
      ['node1', 'node2', 'node3'],
    );
    assert.equal(t.apiEndpoint, 'https://10.3.0.1:6443', "no lb group: the first control-plane host, at its cluster address (Kubespray's ip)");
    // SSH on ansible_host, the cluster on ip; etcd_member_name is left out (tsplay names members after hosts).
    assert.equal(spec.hosts.node1!.address, '95.54.0.12');
    assert.deepEqual(spec.hosts.node1!.vars, { cluster_address: '10.3.0.1' });
    const node1 = inv.hosts.find((h) => h.name === 'node1')!;
    assert.deepEqual([node1.address, clusterAddress(node1)], ['95.54.0.12', '10.3.0.1']);
  });

  it('inventory convert prints each host with its SSH address and its cluster_address', () => {
    const src = inventorySource(loadAnsibleInventory(SAMPLE), SAMPLE, 'tsplay');
    assert.match(src, /'?node1'?: \{[^}]*address: '95\.54\.0\.12'[^}]*cluster_address: '10\.3\.0\.1'/);
  });

  it('the newer layout (no k8s_cluster, etcd:children): k8s is the control plane and the nodes', () => {
    const spec = ini(
      ['[kube_control_plane]', 'cp1 ansible_host=10.0.0.1', '[etcd:children]', 'kube_control_plane', '[kube_node]', 'w1 ansible_host=10.0.0.2'].join('\n'),
    );
    assert.deepEqual(spec.groups!.k8s, { children: ['kube_control_plane', 'kube_node'] });
    const inv = buildInventory(spec);
    assert.deepEqual(names(inv, 'k8s'), ['cp1', 'w1']);
    assert.deepEqual(names(inv, 'etcd'), ['cp1']);
  });

  it("Kubespray's older names (kube-master, kube-node, k8s-cluster) map the same", () => {
    const spec = ini(['[kube-master]', 'a', '[kube-node]', 'b', '[etcd]', 'a', '[k8s-cluster:children]', 'kube-master', 'kube-node'].join('\n'));
    assert.deepEqual(
      [spec.groups!.masters, spec.groups!.workers, spec.groups!.k8s],
      [{ children: ['kube-master'] }, { children: ['kube-node'] }, { children: ['k8s-cluster'] }],
    );
  });

  it('a group the inventory has already is left as it is; an inventory not in the layout gets nothing', () => {
    const spec = ini(['[kube_control_plane]', 'a', '[masters]', 'b', '[lb]', 'c', '[kube_node]', 'd'].join('\n'));
    assert.deepEqual(spec.groups!.masters, { hosts: ['b'] });
    assert.deepEqual(spec.groups!.lb, { hosts: ['c'] });
    assert.deepEqual(spec.groups!.workers, { children: ['kube_node'] });
    const plain = ini(['[web]', 'a', '[kube_node]', 'b'].join('\n'));
    assert.deepEqual(Object.keys(plain.groups!).sort(), ['kube_node', 'web'], 'no kube_control_plane: not the layout');
  });

  describe("Kubespray's ip and access_ip: the host's cluster_address, SSH on ansible_host", () => {
    const line = (vars: string) =>
      ['[all]', `node1 ansible_host=95.54.0.12 ${vars}`, '[kube_control_plane]', 'node1', '[etcd]', 'node1', '[kube_node]', 'node1'].join('\n');
    const addressOf = (vars: string) => ini(line(vars)).hosts.node1!;

    it('ip, access_ip, or both the same: the cluster address; neither: none (the SSH address then)', () => {
      assert.deepEqual(addressOf('ip=10.3.0.1'), { address: '95.54.0.12', vars: { cluster_address: '10.3.0.1' } });
      assert.deepEqual(addressOf('access_ip=10.3.0.1').vars, { cluster_address: '10.3.0.1' });
      assert.deepEqual(addressOf('ip=10.3.0.1 access_ip=10.3.0.1').vars, { cluster_address: '10.3.0.1' });
      assert.equal(addressOf('etcd_member_name=etcd1').vars, undefined);
    });

    it('refused at the line: ip and access_ip that differ (NAT: tsplay binds where it advertises), or not an IP', () => {
      assert.throws(
        () => ini(line('ip=10.3.0.1 access_ip=10.9.0.1'), 'kubespray/inventory.ini'),
        /^ConfigError: kubespray\/inventory\.ini:2: host node1: access_ip=10\.9\.0\.1 differs from ip=10\.3\.0\.1: tsplay binds and advertises a host's cluster services on one address/,
      );
      assert.throws(() => ini(line('ip=node1.internal'), 'k.ini'), /k\.ini:2: host node1: ip=node1\.internal is not an IP address/);
      assert.throws(
        () => ini(line('ip=10.3.0.1 cluster_address=10.3.0.2'), 'k.ini'),
        /k\.ini:2: host node1: ip=10\.3\.0\.1 and cluster_address=10\.3\.0\.2 name two cluster addresses/,
      );
    });
  });

  it('the notes say how the groups map, and what happens without a load balancer', () => {
    const notes = groupAliasNotes(loadAnsibleInventory(SAMPLE));
    assert.deepEqual(notes.slice(1), [
      '  masters = kube_control_plane',
      '  workers = kube_node',
      '  k8s = k8s_cluster',
      '  etcd = etcd',
      '  ip/access_ip = cluster_address, the address the cluster uses (SSH stays on ansible_host): node1 10.3.0.1, node2 10.3.0.2, node3 10.3.0.3, node4 10.3.0.4, node5 10.3.0.5, node6 10.3.0.6',
      '  lb: none (Kubespray has no load-balancer group): no haproxy/keepalived; the API endpoint is the first control-plane host unless api_endpoint names an external load balancer',
    ]);
    assert.deepEqual(groupAliasNotes({ hosts: { a: {} }, groups: { masters: { hosts: ['a'] } } }), [], 'not the layout: no notes');
  });

  describe('site.ts with the sample (fake hosts)', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'tsplay-kubespray-'));
      copyFileSync(SAMPLE, join(dir, 'inventory.ini'));
      mkdirSync(join(dir, 'group_vars'));
      const packed = packStandins(join(dir, 'standins'));
      writeFileSync(join(dir, 'group_vars', 'all.json'), JSON.stringify({ pki_dir: join(dir, 'pki'), k8s_artifacts: packed.overrides }));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('--list-hosts shows the mapping, then each play on the hosts Kubespray gave that part', async () => {
      const r = await tsplay(new Fleet(), 'run', 'playbooks/site.ts', '-i', join(dir, 'inventory.ini'), '--list-hosts');
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^groups: Kubespray's layout, read with tsplay's group names/);
      assert.match(r.out, /\n {2}masters = kube_control_plane\n/);
      assert.match(r.out, /\n {2}ip\/access_ip = cluster_address, the address the cluster uses \(SSH stays on ansible_host\): node1 10\.3\.0\.1, /);
      assert.match(r.out, /play "etcd" \(3 hosts\)\n {2}node1 {2}95\.54\.0\.12\n {2}node2 {2}95\.54\.0\.13\n {2}node3 {2}95\.54\.0\.14\n/);
      assert.match(r.out, /play "API load balancer" \(0 hosts\)\n/);
      assert.match(r.out, /play "control plane" \(3 hosts\)\n {2}node1/);
      assert.match(r.out, /play "nodes" \(6 hosts\)\n/);
    });
  });
});
