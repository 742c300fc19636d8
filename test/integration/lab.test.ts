/** The lab's hosts as roles see them: booted, named, peers in /etc/hosts, and no way off the lab bridge. */
import assert from 'node:assert/strict';
import type { Connection } from '../../lib/core/connection.js';
import type { LabState } from '../../lib/lab/state.js';
import { connectSsh } from '../../lib/transport/ssh.js';
import { asHost, paths, requireLab } from './lab-hosts.js';

describe('lab hosts', () => {
  let state: LabState;
  let conns: Connection[];
  before(async function () {
    state = await requireLab(this, 2);
    conns = await Promise.all(state.hosts.map((h) => connectSsh(asHost(h), { knownHosts: paths.knownHosts, connectTimeoutMs: 5000 })));
  });
  after(async () => Promise.all((conns ?? []).map((c) => c.close())));

  it('run systemd with nothing failed, under their own names', async () => {
    const out = await Promise.all(
      conns.map(async (c) => (await c.exec('hostname; systemctl is-system-running; systemctl --failed --plain --no-legend')).stdout),
    );
    assert.deepEqual(
      out,
      state.hosts.map((h) => `${h.name}\nrunning\n`),
    );
  });

  it('know every peer by name, and reach it', async () => {
    const [a, b] = [conns[0]!, state.hosts.at(-1)!];
    assert.equal((await a.exec(`getent hosts ${b.name}`)).stdout.split(/\s+/)[0], b.address);
    assert.equal((await a.exec(`timeout 3 bash -c 'exec 3<>/dev/tcp/${b.name}/22 && head -c 4 <&3'`)).stdout, 'SSH-');
  });

  it('have no route, resolver or apt retries that could send traffic off the lab bridge', async () => {
    const r = await conns[0]!.exec('ip -4 route show default; grep -c nameserver /etc/resolv.conf; apt-config dump Acquire::Retries');
    assert.equal(r.stdout, '0\nAcquire::Retries "0";\n');
  });
});
