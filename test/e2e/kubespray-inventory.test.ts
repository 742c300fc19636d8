/**
 * End to end: an Ansible INI inventory in Kubespray's layout (test/fixtures/inventory/kubespray/inventory.ini's
 * groups: kube_control_plane, etcd, kube_node, calico_rr, k8s_cluster:children, with ansible_host, ip and
 * etcd_member_name on the host line) runs site.ts on one lab host, lab-29, that is in every group, as
 * single-host.test.ts does with a .ts inventory. Kubespray has no load-balancer group: the empty lb alias
 * leaves haproxy/keepalived out and the API answers on the host itself. The lab's settings (stand-ins, the
 * PKI dir) sit in group_vars/all.json beside it, where a Kubespray user keeps theirs. Starts with reset.ts
 * (the fresh-clone test leaves lab-29 with the sample app only; a rerun leaves this cluster).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from '../../lib/core/connection.js';
import { connectSsh } from '../../lib/transport/ssh.js';
import { asHost, paths, requireLab } from '../integration/lab-hosts.js';
import { failures, sum, took, tsplayJson } from './cli.js';
import { writeKubesprayProject } from './kubespray-project.js';

const HOST = 'lab-29';

/** Kubespray's sample layout with one host in every group (the fixture's groups and host vars). */
const inventoryIni = (address: string) =>
  [
    '# Kubespray inventory/sample/inventory.ini layout, one host in every group.',
    '[all]',
    `${HOST} ansible_host=${address} ip=${address} etcd_member_name=etcd1 ansible_user=root ansible_ssh_private_key_file=${paths.key}`,
    '',
    '[kube_control_plane]',
    HOST,
    '',
    '[etcd]',
    HOST,
    '',
    '[kube_node]',
    HOST,
    '',
    '[calico_rr]',
    '',
    '[k8s_cluster:children]',
    'kube_control_plane',
    'kube_node',
    'calico_rr',
    '',
  ].join('\n');

describe(`e2e: site.ts with an Ansible INI inventory in Kubespray's layout (${HOST} alone)`, function () {
  this.timeout(300_000);
  let dir: string;
  let inventory: string;
  let address: string;
  let c: Connection;
  before(async function () {
    const state = await requireLab(this, 29);
    const host = state.hosts.find((h) => h.name === HOST)!;
    address = host.address;
    dir = mkdtempSync(join(tmpdir(), 'tsplay-kubespray-'));
    inventory = writeKubesprayProject(dir, 'kubespray', inventoryIni(address));
    c = await connectSsh(asHost(host), { knownHosts: paths.knownHosts, connectTimeoutMs: 5000 });
    const reset = await tsplayJson(['run', 'playbooks/reset.ts', '-i', inventory]);
    assert.equal(reset.code, 0, failures(reset));
  });
  after(async () => {
    await c?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('converges etcd, the control plane and the node on the one host, then changes nothing; the API answers there', async () => {
    const first = await tsplayJson(['run', 'playbooks/site.ts', '-i', inventory]);
    assert.equal(first.code, 0, failures(first));
    took('first converge', first);
    const ranOn = (role: string) => first.events.some((e) => e.kind === 'role-start' && e.role === role && (e.hosts as string[]).includes(HOST));
    for (const r of ['etcd', 'apiserver', 'kubelet', 'flannel']) assert.ok(ranOn(r), `role ${r} ran on ${HOST}`);
    for (const r of ['haproxy', 'keepalived']) assert.ok(!ranOn(r), `${r} did not run: Kubespray's layout has no lb group`);
    const again = await tsplayJson(['run', 'playbooks/site.ts', '-i', inventory]);
    assert.equal(again.code, 0, failures(again));
    assert.equal(
      sum(again, 'changed'),
      0,
      `a second run changes nothing: ${JSON.stringify(again.events.filter((e) => e.status === 'changed')).slice(0, 3000)}`,
    );
    took('second run', again);
    const r = await c.exec(
      `curl -sS --max-time 3 --cacert /etc/kubernetes/pki/ca.crt --cert /etc/kubernetes/pki/apiserver-kubelet-client.crt --key /etc/kubernetes/pki/apiserver-kubelet-client.key https://${address}:6443/healthz`,
    );
    assert.equal(r.stdout, 'ok', r.stderr);
    const etcd = await c.exec('systemctl is-active etcd kube-apiserver kubelet');
    assert.equal(etcd.stdout.trim(), 'active\nactive\nactive', etcd.stderr);
  });
});
