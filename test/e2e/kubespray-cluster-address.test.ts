/**
 * End to end, Kubespray's sample as written: each host has two addresses, `ansible_host` the one SSH uses
 * and `ip` the one the cluster uses (tsplay's cluster_address, roles/cluster/cluster-address.ts). On
 * lab-27..29 the test gives each host a second address, 10.231.1.(10+N)/24 on its lab interface (and
 * 10.231.1.1/24 on the controller's lab bridge, so SSH reaches it), and runs site.ts with an INI inventory
 * whose ansible_host is that second address and whose ip is the lab address 10.231.0.(10+N): it converges,
 * etcd's peer and client URLs, the apiserver's --advertise-address and --etcd-servers, the kubelet's
 * --node-ip, flannel's --public-ip and --iface and /etc/hosts carry the ip, never the SSH address; a second run
 * changes nothing; every SSH login came from the controller's second address. The addresses are removed at
 * the end. Starts and ends with reset.ts on the three hosts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { paths, requireLab } from '../integration/lab-hosts.js';
import { failures, on, sum, took, tsplayJson } from './cli.js';
import { writeKubesprayProject } from './kubespray-project.js';

const HOSTS = ['lab-27', 'lab-28', 'lab-29'] as const;
const n = (h: string) => 10 + Number(h.slice(4));
/** What the cluster uses: the lab address. */
const ip = (h: string) => `10.231.0.${n(h)}`;
/** What SSH uses: the address the test adds. */
const sshAddress = (h: string) => `10.231.1.${n(h)}`;
const CONTROLLER = '10.231.1.1/24';
const SECOND = /10\.231\.1\.\d+/;
const BIN = fileURLToPath(new URL('../../lib/cli/bin.js', import.meta.url));

/** Kubespray's sample layout: lab-27 the control plane, all three etcd, lab-28 and lab-29 the nodes. */
const inventoryIni = () =>
  [
    "# Kubespray's inventory/sample/inventory.ini as written: ansible_host for SSH, ip for the cluster.",
    '[all]',
    ...HOSTS.map((h, i) => `${h} ansible_host=${sshAddress(h)} ip=${ip(h)} etcd_member_name=etcd${i + 1}`),
    '',
    '[all:vars]',
    'ansible_user=root',
    `ansible_ssh_private_key_file=${paths.key}`,
    '',
    '[kube_control_plane]',
    'lab-27',
    '',
    '[etcd]',
    ...HOSTS,
    '',
    '[kube_node]',
    'lab-28',
    'lab-29',
    '',
    '[calico_rr]',
    '',
    '[k8s_cluster:children]',
    'kube_control_plane',
    'kube_node',
    'calico_rr',
    '',
  ].join('\n');

/** The lab interface of a host: the one holding its lab address. */
const labIface = (h: string) => on(h, `ip -o -4 addr show | awk '$4 ~ /^${ip(h).replace(/\./g, '\\.')}\\// {print $2; exit}'`);

describe(`e2e: Kubespray's ip apart from ansible_host (${HOSTS.join(', ')})`, function () {
  this.timeout(600_000);
  let dir: string;
  let inventory: string;
  let bridge: string;
  let bridged = false;
  const added: { host: string; iface: string }[] = [];
  let args: string[];
  let started: number;

  before(async function () {
    const state = await requireLab(this, 29);
    started = Math.floor(Date.now() / 1000);
    bridge = state.bridge;
    dir = mkdtempSync(join(tmpdir(), 'tsplay-kubespray-ip-'));
    // The controller reaches 10.231.1.0/24 on the lab bridge; each host answers there on its lab interface.
    const present = execFileSync('ip', ['-o', 'addr', 'show', 'dev', bridge], { encoding: 'utf8' });
    if (!present.includes(` ${CONTROLLER} `)) {
      execFileSync('ip', ['addr', 'add', CONTROLLER, 'dev', bridge]);
      bridged = true;
    }
    for (const h of HOSTS) {
      const iface = await labIface(h);
      assert.ok(iface, `${h}: no interface holds ${ip(h)}`);
      await on(h, `ip addr replace ${sshAddress(h)}/24 dev ${iface}`);
      added.push({ host: h, iface });
    }
    // The lab's host keys, under the SSH addresses.
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(
      knownHosts,
      state.hosts
        .filter((h) => (HOSTS as readonly string[]).includes(h.name))
        .map((h) => `${sshAddress(h.name)} ${h.hostKey}\n`)
        .join(''),
    );
    inventory = writeKubesprayProject(dir, 'kubespray-ip', inventoryIni());
    args = ['-i', inventory, '--known-hosts', knownHosts];
    const reset = await tsplayJson(['run', 'playbooks/reset.ts', ...args]);
    assert.equal(reset.code, 0, failures(reset));
    took('reset', reset);
  });

  after(async () => {
    // Leave the three hosts without the cluster (the start-up bench's lab-bench3.ts runs the sample app there).
    if (args) took('reset after', await tsplayJson(['run', 'playbooks/reset.ts', ...args]));
    for (const { host, iface } of added) await on(host, `ip addr del ${sshAddress(host)}/24 dev ${iface}`).catch(() => undefined);
    if (bridged) execFileSync('ip', ['addr', 'del', CONTROLLER, 'dev', bridge]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('--list-hosts: the plays on the SSH addresses, the ip of each host named first', () => {
    const out = execFileSync(process.execPath, [BIN, 'run', 'playbooks/site.ts', ...args, '--list-hosts'], { encoding: 'utf8' });
    assert.match(
      out,
      /ip\/access_ip = cluster_address, the address the cluster uses \(SSH stays on ansible_host\): lab-27 10\.231\.0\.37, lab-28 10\.231\.0\.38, lab-29 10\.231\.0\.39/,
    );
    assert.match(out, /play "etcd" \(3 hosts\)\n {2}lab-27 {2}10\.231\.1\.37\n/);
  });

  it('converges on ip while SSH uses ansible_host, then changes nothing', async () => {
    const first = await tsplayJson(['run', 'playbooks/site.ts', ...args]);
    assert.equal(first.code, 0, failures(first));
    took('first converge', first);
    const again = await tsplayJson(['run', 'playbooks/site.ts', ...args]);
    assert.equal(again.code, 0, failures(again));
    took('second run', again);
    assert.equal(
      sum(again, 'changed'),
      0,
      `a second run changes nothing: ${JSON.stringify(again.events.filter((e) => e.status === 'changed')).slice(0, 3000)}`,
    );

    // etcd: every member's URLs and the initial cluster on ip; the members agree.
    const cluster = HOSTS.map((h) => `${h}=https://${ip(h)}:2380`).join(',');
    for (const h of HOSTS) {
      const env = await on(h, 'cat /etc/etcd/etcd.env');
      assert.match(env, new RegExp(`^ETCD_LISTEN_PEER_URLS=https://${ip(h)}:2380$`, 'm'), h);
      assert.match(env, new RegExp(`^ETCD_ADVERTISE_CLIENT_URLS=https://${ip(h)}:2379$`, 'm'), h);
      assert.ok(env.includes(`ETCD_INITIAL_CLUSTER=${cluster}\n`), `${h}: ${env}`);
      assert.doesNotMatch(env, SECOND, `${h}: no SSH address in etcd.env`);
      assert.doesNotMatch(await on(h, 'cat /etc/hosts'), SECOND, `${h}: /etc/hosts names the cluster addresses`);
    }
    const members = await on('lab-27', 'set -a; . /etc/etcd/etcdctl.env; set +a; etcdctl member list -w simple');
    for (const h of HOSTS) assert.ok(members.includes(`, ${h}, https://${ip(h)}:2380, https://${ip(h)}:2379`), members);
    assert.doesNotMatch(members, SECOND);

    // The apiserver advertises ip and dials etcd there; it answers on ip.
    const apiserver = await on('lab-27', 'systemctl cat kube-apiserver');
    assert.match(apiserver, new RegExp(`--advertise-address=${ip('lab-27')}\\b`));
    assert.match(apiserver, new RegExp(`--etcd-servers=${HOSTS.map((h) => `https://${ip(h)}:2379`).join(',')}\\b`));
    assert.doesNotMatch(apiserver, SECOND);
    const healthz = await on(
      'lab-27',
      `curl -sS --max-time 3 --cacert /etc/kubernetes/pki/ca.crt --cert /etc/kubernetes/pki/apiserver-kubelet-client.crt --key /etc/kubernetes/pki/apiserver-kubelet-client.key https://${ip('lab-27')}:6443/healthz`,
    );
    assert.equal(healthz, 'ok');

    // SSH went to ansible_host: the known_hosts given holds only those addresses, and each sshd says so.
    for (const h of HOSTS) {
      const logins = await on(h, `journalctl -u ssh -u sshd --since @${started} --no-pager | grep -c 'Accepted publickey for root from 10.231.1.1 ' || true`);
      assert.ok(Number(logins) > 0, `${h}: no SSH login from the controller's second address`);
    }

    // The nodes register on ip, and flannel announces it.
    for (const h of ['lab-27', 'lab-28', 'lab-29']) {
      const kubelet = await on(h, 'systemctl cat kubelet');
      assert.match(kubelet, new RegExp(`--node-ip=${ip(h)}\\b`), h);
      const flannel = await on(h, 'systemctl cat flanneld');
      assert.match(flannel, new RegExp(`--public-ip=${ip(h)}\\b`), h);
      assert.match(flannel, new RegExp(`--iface=${ip(h)}\\b`), `${h}: flanneld on the interface holding ip`);
      assert.equal(await on(h, 'systemctl is-active kubelet flanneld'), 'active\nactive', h);
    }
  });
});
