/** Opening SSH sessions against an in-process sshd: failures after the handshake close what they opened. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransportError } from '../../lib/core/errors.js';
import { connectSsh } from '../../lib/transport/ssh.js';
import { eventually, fakeSshd, type FakeSshd } from './ssh-server.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'tsplay-connect-'));

describe('opening an SSH session (in-process sshd)', () => {
  let sshd: FakeSshd | undefined;
  afterEach(async () => {
    await sshd?.close();
    sshd = undefined;
  });

  it('a known_hosts that is a directory fails at once, naming it, without retrying or leaving a connection open', async () => {
    sshd = await fakeSshd();
    const dir = join(scratch(), 'known_hosts');
    mkdirSync(dir);
    await assert.rejects(
      connectSsh(sshd.host(), { knownHosts: dir, trustNewHostKeys: true, retries: 2 }),
      (e) => e instanceof TransportError && e.message.includes(dir) && /EISDIR/.test(e.message),
    );
    assert.ok(sshd.accepted <= 1, `connected ${sshd.accepted} times: a broken known_hosts is not worth a retry`);
    assert.ok(await eventually(() => sshd!.open === 0), `${sshd.open} connection(s) left open`);
  });

  it('a host key that cannot be recorded closes the session it opened', async () => {
    sshd = await fakeSshd();
    // A dangling link: read as missing (no known hosts yet), but the append fails after the handshake succeeded.
    const file = join(scratch(), 'known_hosts');
    symlinkSync('/nonexistent/known_hosts', file);
    await assert.rejects(
      connectSsh(sshd.host(), { knownHosts: file, trustNewHostKeys: true, retries: 2 }),
      (e) => e instanceof TransportError && e.message.includes(`cannot record its host key in ${file}`),
    );
    assert.equal(sshd.accepted, 1, 'not retried');
    assert.ok(await eventually(() => sshd!.open === 0), `${sshd.open} connection(s) left open`);
  });

  it('a missing or unusable key file names the host and the path', async () => {
    sshd = await fakeSshd();
    const pub = join(scratch(), 'id.pub');
    writeFileSync(pub, `${sshd.knownHostsLine.split(' ').slice(1).join(' ')}\n`);
    for (const [key, why] of [
      ['/nonexistent/id_ed25519', /does not exist/],
      [pub, /holds a public key/],
    ] as const)
      await assert.rejects(
        connectSsh(sshd.host('h1', { key }), { knownHosts: join(scratch(), 'kh'), trustNewHostKeys: true }),
        (e) => e instanceof TransportError && e.message.startsWith(`[h1] key file ${key} `) && why.test(e.message),
      );
    assert.equal(sshd.accepted, 0);
  });

  it('an RSA-only server whose known_hosts entry is of another type: says what it offers and what to do', async () => {
    sshd = await fakeSshd({ rsaOnly: true });
    const other = await fakeSshd();
    const kh = join(scratch(), 'known_hosts');
    // The ed25519 key of another server, listed for this one's address: as after its ed25519 key was removed.
    writeFileSync(kh, `[127.0.0.1]:${sshd.port} ${other.knownHostsLine.split(' ').slice(1).join(' ')}\n`);
    await other.close();
    await assert.rejects(connectSsh(sshd.host(), { knownHosts: kh, retries: 2 }), (e) => {
      assert.ok(e instanceof TransportError);
      assert.match(e.message, /offers host keys of type rsa-sha2-512, rsa-sha2-256(, ssh-rsa)? only/);
      assert.match(e.message, new RegExp(`${kh} line 1 holds its ssh-ed25519 key`));
      assert.match(e.message, /ssh-keyscan -p \d+ -t rsa 127\.0\.0\.1/);
      assert.doesNotMatch(e.message, /no matching host key format$/);
      return true;
    });
    assert.equal(sshd.accepted, 1, 'not retried');
  });

  it('an RSA-only server not yet in known_hosts is accepted through rsa-sha2 when trusted', async () => {
    sshd = await fakeSshd({ rsaOnly: true });
    const c = await connectSsh(sshd.host(), { knownHosts: join(scratch(), 'kh'), trustNewHostKeys: true });
    assert.equal((await c.exec('true')).exitCode, 0);
    await c.close();
  });
});
