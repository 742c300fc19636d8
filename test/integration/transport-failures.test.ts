/**
 * The SSH transport when things go wrong, on real lab hosts: changed and unknown host keys, an address with
 * no host, a host whose network vanishes mid-command, a host stopped mid-command, a jump host.
 * Disturbs the last lab host and brings it back with `lab up` at the end. Needs a lab of 2+ hosts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransportError } from '../../lib/core/errors.js';
import { stopHost } from '../../lib/lab/host.js';
import { vethName } from '../../lib/lab/network.js';
import type { LabState } from '../../lib/lab/state.js';
import { labUp } from '../../lib/lab/up.js';
import { connectSsh } from '../../lib/transport/ssh.js';
import { sshBanner } from '../../lib/lab/wait.js';
import { asHost, paths, requireLab } from './lab-hosts.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'tsplay-kh-'));
const within = async <T>(ms: number, p: Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> => {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    p.then((value) => ({ value }), (error: unknown) => ({ error })),
    new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms))),
  ]);
  // A pending timer would keep mocha alive for the whole window after the last test.
  clearTimeout(timer);
  assert.ok(settled, `did not settle within ${ms} ms`);
  return { ...settled, ms: Date.now() - started };
};

describe('SSH transport failures on lab hosts', function () {
  let state: LabState;
  before(async function () {
    state = await requireLab(this, 2);
  });

  it('refuses a changed host key, naming the host, file and line, without retrying', async () => {
    const [a, b] = [state.hosts[0]!, state.hosts[1]!];
    const file = join(scratch(), 'known_hosts');
    writeFileSync(file, `# comment\n${a.address} ${b.hostKey}\n`);
    const r = await within(5000, connectSsh(asHost(a), { knownHosts: file, retries: 3, trustNewHostKeys: true }));
    assert.ok(r.error instanceof TransportError, String(r.error));
    assert.match(r.error.message, new RegExp(`^\\[${a.name}\\] HOST KEY MISMATCH for ${a.address.replace(/\./g, '\\.')}.*${file} line 2`));
    assert.ok(r.ms < 2000, `took ${r.ms} ms: a mismatch must not be retried`);
    assert.equal(readFileSync(file, 'utf8').split('\n').length, 3, 'known_hosts untouched');
  });

  it('refuses an unknown host by default, and records it only when told to trust new keys', async () => {
    const host = asHost(state.hosts[0]!);
    const file = join(scratch(), 'known_hosts');
    await assert.rejects(connectSsh(host, { knownHosts: file }), (e) => e instanceof TransportError && /not in .*refusing an unknown host key/.test(e.message));
    const c = await connectSsh(host, { knownHosts: file, trustNewHostKeys: true });
    await c.close();
    assert.equal(readFileSync(file, 'utf8'), `${host.address} ${state.hosts[0]!.hostKey}\n`);
    const again = await connectSsh(host, { knownHosts: file });
    assert.equal((await again.exec('true')).exitCode, 0);
    await again.close();
  });

  it('reports a lab address with no host as a TransportError within the connect timeout', async () => {
    const ghost = asHost({ name: 'ghost', address: '10.231.0.250' });
    const r = await within(8000, connectSsh(ghost, { knownHosts: paths.knownHosts, connectTimeoutMs: 1500, retries: 1 }));
    assert.ok(r.error instanceof TransportError, String(r.error));
    assert.match(r.error.message, /^\[ghost\] cannot connect to root@10\.231\.0\.250:22/);
    assert.ok(r.ms < 1500 * 2 + 250 + 1500, `took ${r.ms} ms`);
  });

  it('reaches a host through a jump host', async () => {
    const [bastion, target] = [asHost(state.hosts[0]!), asHost(state.hosts[1]!)];
    const c = await connectSsh(target, { knownHosts: paths.knownHosts, jump: bastion });
    try {
      assert.equal((await c.exec('hostname')).stdout, `${target.name}\n`);
      const seen = await c.exec('echo $SSH_CLIENT');
      assert.equal(seen.stdout.split(' ')[0], bastion.address, 'the connection came from the bastion');
    } finally {
      await c.close();
    }
  });

  describe('a host that dies mid-command', function () {
    let victim: LabState['hosts'][number];
    before(async function () {
      this.timeout(120_000);
      victim = state.hosts.at(-1)!;
      // A run that was itself killed may have left the victim down: bring it back first.
      if (!(await sshBanner(victim.address))) state = await labUp({ hosts: state.hosts.length });
      victim = state.hosts.at(-1)!;
    });
    after(async function () {
      this.timeout(120_000);
      await labUp({ hosts: state.hosts.length });
    });

    it('fails the pending command when the network vanishes (keep-alive), instead of hanging', async () => {
      const c = await connectSsh(asHost(victim), { knownHosts: paths.knownHosts, keepaliveMs: 500 });
      const pending = c.exec('sleep 60');
      await new Promise((r) => setTimeout(r, 300));
      execFileSync('ip', ['link', 'set', vethName(victim.name), 'down']);
      try {
        const r = await within(10_000, pending);
        assert.ok(r.error instanceof TransportError, String(r.error ?? r.value));
        await assert.rejects(c.exec('true'), TransportError);
      } finally {
        execFileSync('ip', ['link', 'set', vethName(victim.name), 'up']);
        await c.close();
      }
    });

    it('does not hang when the host is stopped under a running command', async function () {
      this.timeout(60_000);
      const c = await connectSsh(asHost(victim), { knownHosts: paths.knownHosts, keepaliveMs: 1000 });
      const pending = c.exec('sleep 60');
      await new Promise((r) => setTimeout(r, 300));
      const stopping = stopHost(paths, victim.name);
      const r = await within(25_000, pending);
      await stopping;
      // Either sshd reported the command killed, or the connection dropped: both settle, neither hangs.
      if (r.error === undefined) assert.notEqual(r.value!.exitCode, 0);
      else assert.ok(r.error instanceof TransportError, String(r.error));
      const next = await within(10_000, c.exec('true'));
      assert.ok(next.error instanceof TransportError, 'a stopped host refuses further commands');
      await c.close();
    });
  });
});
