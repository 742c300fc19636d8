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
import { BecomeError, TransportError } from '../../lib/core/errors.js';
import { secret } from '../../lib/core/secret.js';
import { stopHost } from '../../lib/lab/host.js';
import { vethName } from '../../lib/lab/network.js';
import type { LabState } from '../../lib/lab/state.js';
import { labUp } from '../../lib/lab/up.js';
import { quote } from '../../lib/transport/remote-command.js';
import { connectSsh } from '../../lib/transport/ssh.js';
import { sshBanner } from '../../lib/lab/wait.js';
import { asHost, onHost, paths, requireLab } from './lab-hosts.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'tsplay-kh-'));
const within = async <T>(ms: number, p: Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> => {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    p.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
    new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms))),
  ]);
  // A pending timer would keep mocha alive for the whole window after the last test.
  clearTimeout(timer);
  assert.ok(settled, `did not settle within ${ms} ms`);
  return { ...settled, ms: Date.now() - started };
};

describe('SSH transport failures on lab hosts', () => {
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

  describe('a host that dies mid-command', () => {
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

  // Uses lab-10 only: a user with a sudo password, and a second sshd on port 2222 with an RSA host key;
  // both are removed after. Run alone: --grep 'on lab-10'.
  describe('on lab-10: sudo with a password, an RSA-only sshd', function () {
    this.timeout(60_000);
    const NAME = 'lab-10';
    const USER = 'tsplay-become';
    const PASSWORD = 'lab-10 right password';
    let lab10: LabState['hosts'][number];
    const as = (password: string) => ({ ...asHost(lab10), user: USER, becomePassword: secret(password) });
    before(async function () {
      const found = state.hosts.find((h) => h.name === NAME);
      if (!found) return this.skip();
      lab10 = found;
      const r = await onHost(
        NAME,
        [
          `id ${USER} >/dev/null 2>&1 || useradd -m -s /bin/sh ${USER}`,
          `printf '%s\n' ${quote(`${USER}:${PASSWORD}`)} | chpasswd`,
          `usermod -aG sudo ${USER}`,
          `install -d -m 700 -o ${USER} -g ${USER} /home/${USER}/.ssh`,
          `install -m 600 -o ${USER} -g ${USER} /root/.ssh/authorized_keys /home/${USER}/.ssh/authorized_keys`,
        ].join(' && '),
      );
      assert.equal(r.code, 0, r.out);
    });
    after(async () => {
      if (lab10) await onHost(NAME, `userdel -f -r ${USER} 2>/dev/null; true`);
    });

    it('a wrong become password fails with BecomeError as soon as sudo answers, and sudo read one attempt', async () => {
      // How long this host's sudo takes to refuse one wrong password (PAM's fail delay), measured as the user.
      const probe = await onHost(
        NAME,
        `runuser -u ${USER} -- sh -c 's=$(date +%s%N); printf "x\\n" | sudo -S -k -p "" true 2>/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))'`,
      );
      const sudoMs = Number(probe.out.trim().split('\n').at(-1));
      assert.ok(sudoMs > 0, probe.out);
      const c = await connectSsh(as('lab-10 wrong password'), { knownHosts: paths.knownHosts });
      try {
        const r = await within(sudoMs + 5000, c.exec('sh -s', { sudo: true, stdin: 'echo one\necho two\necho three\n' }));
        assert.ok(r.error instanceof BecomeError, String(r.error ?? JSON.stringify(r.value)));
        assert.equal(r.error.message, `[${NAME}] sudo refused the become password for user ${USER} on host ${NAME} (check becomePassword in the inventory)`);
        console.log(`      (sudo refuses in ${sudoMs} ms; tsplay reported it after ${r.ms} ms)`);
        // Bounds relative to sudo's own refusal, not wall-clock constants (a loaded controller is slower): a second
        // password attempt would cost another fail delay.
        assert.ok(r.ms < 2 * sudoMs, `took ${r.ms} ms; sudo alone takes ${sudoMs} ms: more than one attempt?`);
        const again = await within(sudoMs + 5000, c.exec('true', { sudo: true }));
        assert.ok(again.error instanceof BecomeError && again.ms < sudoMs, `later sudo commands fail without asking sudo again (${again.ms} ms)`);
        assert.equal((await c.exec('id -un')).stdout, `${USER}\n`, 'the host was reached');
        // sudo's own log: one wrong attempt, not three (it used to read script lines as further attempts).
        const log = await onHost(NAME, `sleep 0.5; journalctl -t sudo --since '-2min' --no-pager | grep '${USER} : .* incorrect password attempt.*sudo-ready'`);
        assert.match(log.out, /: 1 incorrect password attempt ;/);
        assert.doesNotMatch(log.out, /: [23] incorrect password attempts/);
      } finally {
        await c.close();
      }
    });

    it('the right become password runs commands and writes files as root; the script never reaches sudo', async () => {
      const c = await connectSsh(as(PASSWORD), { knownHosts: paths.knownHosts });
      try {
        const r = await c.exec('sh -s', { sudo: true, stdin: 'id -u\ncat\n' });
        assert.equal(r.exitCode, 0, r.stderr);
        assert.equal(r.stdout, '0\n');
        assert.equal(r.stderr, '');
        await c.put('/root/tsplay-become-test', Buffer.from('as root\n'), { sudo: true, mode: 0o600 });
        assert.equal(Buffer.from((await c.get('/root/tsplay-become-test', { sudo: true }))!).toString(), 'as root\n');
        assert.equal((await c.exec('stat -c %U:%a /root/tsplay-become-test', { sudo: true })).stdout, 'root:600\n');
      } finally {
        await c.exec('rm -f /root/tsplay-become-test', { sudo: true }).catch(() => undefined);
        await c.close();
      }
    });

    it('an sshd offering only an RSA host key, where known_hosts holds an ed25519 key: says what it offers and what to do', async () => {
      const start = await onHost(
        NAME,
        [
          'rm -f /run/tsplay-rsa-only-key*',
          'ssh-keygen -q -t rsa -b 2048 -N "" -f /run/tsplay-rsa-only-key',
          "printf 'Port 2222\\nHostKey /run/tsplay-rsa-only-key\\nPidFile /run/tsplay-rsa-only.pid\\nPermitRootLogin prohibit-password\\nUsePAM yes\\n' > /run/tsplay-rsa-only.conf",
          '/usr/sbin/sshd -f /run/tsplay-rsa-only.conf',
        ].join(' && '),
      );
      assert.equal(start.code, 0, start.out);
      try {
        const file = join(scratch(), 'known_hosts');
        writeFileSync(file, `[${lab10.address}]:2222 ${lab10.hostKey}\n`);
        const r = await within(10_000, connectSsh({ ...asHost(lab10), port: 2222 }, { knownHosts: file, retries: 2 }));
        assert.ok(r.error instanceof TransportError, String(r.error));
        assert.match(r.error.message, new RegExp(`offers host keys of type rsa-sha2-512, rsa-sha2-256.* only, but ${file} line 1 holds its ssh-ed25519 key`));
        assert.match(r.error.message, /ssh-keyscan -p 2222 -t rsa/);
        assert.ok(r.ms < 3000, `took ${r.ms} ms: not retried`);
      } finally {
        await onHost(NAME, 'kill $(cat /run/tsplay-rsa-only.pid); rm -f /run/tsplay-rsa-only*');
      }
    });
  });
});
