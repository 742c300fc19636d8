/**
 * The lab's process table read from the real /proc: every running host is found whole (its nspawn, the
 * init of its pid namespace, its services) and reads as running. Reads /proc only; touches no host.
 * (A host left orphaned by `kill -9` of its nspawn is tested with injected tables in test/lab/procs.test.ts.)
 */
import assert from 'node:assert/strict';
import { labProcesses } from '../../lib/lab/procs.js';
import { hostStatus } from '../../lib/lab/status.js';
import type { LabState } from '../../lib/lab/state.js';
import { paths, requireLab } from './lab-hosts.js';

describe('lab processes on this machine', () => {
  let state: LabState;
  before(async function () {
    state = await requireLab(this, 1);
  });

  it("finds each host's nspawn, its pid-namespace init and its services, and each host reads as running", () => {
    const procs = labProcesses(paths.hosts);
    for (const h of state.hosts) {
      const mine = procs.filter((p) => p.host === h.name);
      assert.deepEqual(
        mine.filter((p) => p.kind === 'nspawn').map((p) => p.pid),
        [h.pid],
        `${h.name}: its nspawn`,
      );
      assert.equal(mine.filter((p) => p.init).length, 1, `${h.name}: one init`);
      assert.ok(mine.length >= 4, `${h.name}: nspawn, systemd, journald, sshd at least (found ${mine.length})`);
      assert.equal(hostStatus(procs, h).state, 'running', h.name);
    }
    assert.equal(new Set(procs.map((p) => p.pid)).size, procs.length, 'no process belongs to two hosts');
    assert.ok(!procs.some((p) => p.pid === process.pid), "this process is no lab host's");
  });
});
