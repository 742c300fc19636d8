/**
 * Finding a host's processes and telling its state from injected process tables: a host whose nspawn was
 * killed (kill -9) while its systemd kept running must read as orphaned, not stopped.
 */
import assert from 'node:assert/strict';
import { classifyProcesses, type ProcEntry } from '../../lib/lab/procs.js';
import { hostStatus, statusTable } from '../../lib/lab/status.js';

const HOSTS = '/var/lib/tsplay/lab/hosts';
const own = { pidNs: 'pid:[1]', mntNs: 'mnt:[1]' };
const overlay = (host: string) =>
  `22 1 0:44 / / rw,relatime - overlay overlay rw,lowerdir=/img,upperdir=${HOSTS}/${host}/upper,workdir=${HOSTS}/${host}/work\n`;
const cg = (path: string) => `9:name=systemd:${path}\n4:memory:/\n0::${path}\n`;

const nspawn = (pid: number, host: string): ProcEntry => ({
  pid,
  nsPid: pid,
  cmdline: ['systemd-nspawn', '--boot', '--directory', `${HOSTS}/${host}/root`],
  cgroup: cg(`/tsplay-lab/${host}/supervisor`),
  ...own,
});
/** A process inside host `host`: its own pid and mount namespaces, its host's cgroup and overlay root. */
const inside = (pid: number, nsPid: number, host: string, over: Partial<ProcEntry> = {}): ProcEntry => ({
  pid,
  nsPid,
  cmdline: ['/usr/lib/systemd/systemd'],
  cgroup: cg(`/tsplay-lab/${host}/payload/init.scope`),
  pidNs: `pid:[${host}]`,
  mntNs: `mnt:[${host}]`,
  mountinfo: overlay(host),
  ...over,
});
const machine = (pid: number): ProcEntry => ({ pid, nsPid: pid, cmdline: ['/usr/sbin/sshd', '-D'], cgroup: cg('/'), ...own });

/** lab-1 whole; lab-2 after `kill -9` of its nspawn (pid 200): its systemd and sshd run on. */
const table: ProcEntry[] = [
  machine(1),
  nspawn(100, 'lab-1'),
  inside(101, 1, 'lab-1'),
  inside(102, 40, 'lab-1'),
  inside(201, 1, 'lab-2'),
  inside(202, 57, 'lab-2', { cmdline: ['sshd: /usr/sbin/sshd -D'] }),
  machine(300),
];

describe('lab processes and host states', () => {
  it("finds each host's nspawn, its container processes and the init of its pid namespace", () => {
    assert.deepEqual(classifyProcesses(table, HOSTS, own), [
      { pid: 100, host: 'lab-1', kind: 'nspawn' },
      { pid: 101, host: 'lab-1', kind: 'container', init: true },
      { pid: 102, host: 'lab-1', kind: 'container' },
      { pid: 201, host: 'lab-2', kind: 'container', init: true },
      { pid: 202, host: 'lab-2', kind: 'container' },
    ]);
  });

  it("finds a host's process by its cgroup, or by its pid namespace, when its mounts no longer show the overlay", () => {
    const byCgroup = inside(203, 60, 'lab-2', { mountinfo: '22 1 8:1 / / rw - ext4 /dev/vda rw\n' });
    const byNs = inside(204, 61, 'lab-2', { mountinfo: '22 1 8:1 / / rw - ext4 /dev/vda rw\n', cgroup: cg('/elsewhere') });
    const found = classifyProcesses([...table, byCgroup, byNs], HOSTS, own).filter((p) => p.pid > 202);
    assert.deepEqual(found, [
      { pid: 203, host: 'lab-2', kind: 'container' },
      { pid: 204, host: 'lab-2', kind: 'container' },
    ]);
  });

  it("leaves this machine's own processes alone, even ones in their own mount namespace", () => {
    const sandboxed: ProcEntry = { ...machine(400), mntNs: 'mnt:[sandbox]', mountinfo: '22 1 8:1 / / rw - ext4 /dev/vda rw\n' };
    assert.deepEqual(classifyProcesses([machine(1), sandboxed], HOSTS, own), []);
  });

  it('reports a host whose nspawn died while its systemd runs on as orphaned, with what to do', () => {
    const procs = classifyProcesses(table, HOSTS, own);
    assert.equal(hostStatus(procs, { name: 'lab-1', address: '10.231.0.11', pid: 100 }).state, 'running');
    const orphan = hostStatus(procs, { name: 'lab-2', address: '10.231.0.12', pid: 200 });
    assert.equal(orphan.state, 'orphaned');
    assert.match(
      orphan.note ?? '',
      /lab-2: its systemd-nspawn \(pid 200\) is gone but 2 of its processes still run \(its init is pid 201\); `tsplay lab up` kills them and boots it again, `tsplay lab down` removes it/,
    );
    assert.equal(hostStatus(procs, { name: 'lab-3', address: '10.231.0.13', pid: 300 }).state, 'stopped');
    assert.match(statusTable([orphan]), /^HOST {3}ADDRESS {6}STATE {5}PID\nlab-2 {2}10\.231\.0\.12 {2}orphaned {2}200\n\nlab-2: its systemd-nspawn/);
  });

  it('a host run by another nspawn than the recorded one is not as the state says either', () => {
    const procs = classifyProcesses([nspawn(150, 'lab-1'), inside(101, 1, 'lab-1')], HOSTS, own);
    const s = hostStatus(procs, { name: 'lab-1', address: '10.231.0.11', pid: 100 });
    assert.equal(s.state, 'orphaned');
    assert.match(s.note ?? '', /another systemd-nspawn \(pid 150\) runs it/);
  });
});
