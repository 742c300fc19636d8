/**
 * Becoming root with a password, over SSH to an in-process sshd whose commands run in this machine's sh
 * with a stand-in `sudo` that behaves as sudo -S does: it prompts on stderr, reads one line per attempt,
 * waits before "Sorry, try again." and allows 3 attempts. Every line it reads as a password is logged.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BecomeError, TransportError } from '../../lib/core/errors.js';
import type { Connection } from '../../lib/core/connection.js';
import { secret } from '../../lib/core/secret.js';
import { connectSsh } from '../../lib/transport/ssh.js';
import { SUDO_PROMPT, SUDO_READY } from '../../lib/transport/sudo-dialogue.js';
import { fakeSshd, runLocally, type FakeSshd } from './ssh-server.js';

const FAIL_DELAY_S = 0.4;

const FAKE_SUDO = `#!/bin/sh
prompt=''; mode=n
while [ "$1" != "--" ]; do case "$1" in -S) mode=S;; -p) shift; prompt=$1;; esac; shift; done; shift
case "$FAKE_SUDO" in nopasswd) exec "$@";; notsudoer) echo "deploy is not in the sudoers file." >&2; exit 1;; esac
[ $mode = n ] && { echo "sudo: a password is required" >&2; exit 1; }
tries=0
while [ $tries -lt 3 ]; do
  printf '%s' "$prompt" >&2
  IFS= read -r pw || { echo "sudo: no password was provided" >&2; exit 1; }
  printf '%s\\n' "$pw" >> "$FAKE_SUDO_LOG"
  [ "$pw" = "right horse battery" ] && exec "$@"
  sleep ${FAIL_DELAY_S}; echo "Sorry, try again." >&2
  tries=$((tries+1))
done
echo "sudo: 3 incorrect password attempts" >&2; exit 1
`;

describe('sudo with a become password (in-process sshd, stand-in sudo)', function () {
  this.timeout(15_000);
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-sudo-'));
  const log = join(dir, 'attempts');
  writeFileSync(join(dir, 'sudo'), FAKE_SUDO);
  chmodSync(join(dir, 'sudo'), 0o755);
  let sshd: FakeSshd | undefined;
  let conn: Connection | undefined;

  let servers = 0;
  async function connect(password: string, behaviour = 'password'): Promise<Connection> {
    writeFileSync(log, '');
    sshd = await fakeSshd({ exec: runLocally({ PATH: `${dir}:${process.env.PATH}`, FAKE_SUDO: behaviour, FAKE_SUDO_LOG: log }) });
    // A known_hosts of its own per server: each has a new host key, and the OS may give a later one an earlier one's port.
    const knownHosts = join(dir, `kh-${++servers}`);
    conn = await connectSsh(sshd.host('web-1', { user: 'deploy', becomePassword: secret(password) }), { knownHosts, trustNewHostKeys: true });
    return conn;
  }
  const attempts = () => readFileSync(log, 'utf8').split('\n').filter(Boolean);

  afterEach(async () => {
    await conn?.close();
    await sshd?.close();
    conn = sshd = undefined;
  });

  it('a wrong password: a BecomeError right after sudo answers, one attempt, no script line read as a password', async () => {
    const c = await connect('wrong horse');
    const started = Date.now();
    const script = 'echo first line\necho second line\necho third line\n';
    await assert.rejects(c.exec('sh -s', { sudo: true, stdin: script }), (e) => {
      assert.ok(e instanceof BecomeError && !(e instanceof TransportError), String(e));
      assert.equal(e.message, '[web-1] sudo refused the become password for user deploy on host web-1 (check becomePassword in the inventory)');
      return true;
    });
    const ms = Date.now() - started;
    assert.ok(ms < FAIL_DELAY_S * 1000 + 700, `took ${ms} ms after a ${FAIL_DELAY_S * 1000} ms sudo delay`);
    assert.deepEqual(attempts(), ['wrong horse'], 'sudo read only the password');
    // Later sudo commands fail at once, without asking sudo again.
    const again = Date.now();
    await assert.rejects(c.get('/etc/hostname', { sudo: true }), BecomeError);
    await assert.rejects(c.put('/tmp/x', new Uint8Array([1]), { sudo: true }), BecomeError);
    assert.ok(Date.now() - again < 200);
    assert.deepEqual(attempts(), ['wrong horse']);
    // Commands without sudo still run: the host was reached.
    assert.equal((await c.exec('echo hi')).stdout, 'hi\n');
  });

  it('the right password: the script reaches the command whole, and stderr carries no marker', async () => {
    const c = await connect('right horse battery');
    const r = await c.exec('sh -s', { sudo: true, stdin: 'echo out\necho err >&2\ncat\n' });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    assert.ok(!r.stderr.includes(SUDO_PROMPT) && !r.stderr.includes(SUDO_READY));
    const many = await Promise.all([1, 2, 3, 4].map((i) => c.exec(`echo ${i}`, { sudo: true })));
    assert.deepEqual(
      many.map((x) => x.stdout),
      ['1\n', '2\n', '3\n', '4\n'],
    );
    assert.ok(
      attempts().every((a) => a === 'right horse battery'),
      attempts().join(' | '),
    );
  });

  it("a held command (the run's first query) gets the password only at the prompt, its script only after", async () => {
    const c = await connect('right horse battery');
    const held = await c.hold!('sh -s', { sudo: true, stdin: 'echo held; echo to stderr >&2\nexec cat\n', until: 'held\n' });
    try {
      assert.equal(held.stdout, 'held\n');
      assert.ok(!held.stderr.includes(SUDO_PROMPT) && !held.stderr.includes(SUDO_READY), held.stderr);
      assert.deepEqual(attempts(), ['right horse battery', 'right horse battery'], 'the probe and the held command: passwords only');
    } finally {
      held.release();
    }
  });

  it('NOPASSWD: the password is never sent', async () => {
    const c = await connect('right horse battery', 'nopasswd');
    assert.equal((await c.exec('cat', { sudo: true, stdin: 'data\n' })).stdout, 'data\n');
    assert.deepEqual(attempts(), []);
  });

  it('a user sudo will not serve: a BecomeError with what sudo said', async () => {
    const c = await connect('right horse battery', 'notsudoer');
    await assert.rejects(
      c.exec('true', { sudo: true }),
      (e) =>
        e instanceof BecomeError &&
        /sudo did not run the command as root for user deploy on host web-1 \(exit 1\): deploy is not in the sudoers file\./.test(e.message),
    );
  });
});
