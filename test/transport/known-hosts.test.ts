import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import ssh2 from 'ssh2';
import {
  ACCEPTED_HOST_KEY_TYPES,
  blobKeyType,
  checkHostKey,
  hostField,
  hostKeyAlgorithms,
  hostMatches,
  knownHostsLine,
  knownKeyTypes,
  noCommonHostKeyType,
  parseKnownHosts,
} from '../../lib/transport/known-hosts.js';

/** A real ed25519 SSH public key blob, as a server would offer it. */
function hostKey(): Buffer {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]);
}

const hashed = (name: string, salt = Buffer.from('0123456789abcdef0123')) =>
  `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;

describe('known_hosts', () => {
  const a = hostKey();
  const b = hostKey();
  const line = (hosts: string, key: Buffer) => `${hosts} ssh-ed25519 ${key.toString('base64')}`;

  it('reads the key type from a blob, and ssh2 agrees the blob is a valid key', () => {
    assert.equal(blobKeyType(a), 'ssh-ed25519');
    const parsed = ssh2.utils.parseKey(`ssh-ed25519 ${a.toString('base64')}`);
    assert.ok(!(parsed instanceof Error));
  });

  it('names non-22 ports as [addr]:port', () => {
    assert.equal(hostField('10.0.0.1', 22), '10.0.0.1');
    assert.equal(hostField('10.0.0.1', 2222), '[10.0.0.1]:2222');
  });

  it('parses markers, comments and line numbers, skipping malformed lines', () => {
    const text = `# comment\n\n${line('h1', a)}\ngarbage\n@revoked ${line('*', b)}\n@cert-authority *.x ssh-ed25519 AAAA\n`;
    const entries = parseKnownHosts(text);
    assert.deepEqual(
      entries.map((e) => [e.line, e.marker ?? '', e.hosts]),
      [
        [3, '', 'h1'],
        [5, '@revoked', '*'],
        [6, '@cert-authority', '*.x'],
      ],
    );
  });

  it('matches plain lists, globs, negations and hashed names', () => {
    assert.ok(hostMatches('web1,10.0.0.5', '10.0.0.5'));
    assert.ok(!hostMatches('web1,10.0.0.5', '10.0.0.50'));
    assert.ok(hostMatches('10.0.0.*', '10.0.0.7'));
    assert.ok(hostMatches('10.0.0.?', '10.0.0.7'));
    assert.ok(!hostMatches('10.0.0.*,!10.0.0.7', '10.0.0.7'));
    assert.ok(hostMatches(hashed('[10.0.0.5]:2222'), '[10.0.0.5]:2222'));
    assert.ok(!hostMatches(hashed('[10.0.0.5]:2222'), '10.0.0.5'));
  });

  it('accepts a known key, refuses a changed one naming the line, and reports unknown hosts', () => {
    const entries = parseKnownHosts(`${line('other', b)}\n${line('10.0.0.5', a)}\n${line(hashed('10.0.0.6'), a)}\n`);
    assert.deepEqual(checkHostKey(entries, '10.0.0.5', a), { kind: 'known', line: 2 });
    assert.deepEqual(checkHostKey(entries, '10.0.0.6', a), { kind: 'known', line: 3 });
    assert.deepEqual(checkHostKey(entries, '10.0.0.5', b), { kind: 'mismatch', line: 2, keyType: 'ssh-ed25519' });
    assert.deepEqual(checkHostKey(entries, '10.0.0.9', a), { kind: 'unknown' });
  });

  it('refuses a revoked key even for a host that lists it', () => {
    const entries = parseKnownHosts(`${line('h', a)}\n@revoked ${line('*', a)}\n`);
    assert.deepEqual(checkHostKey(entries, 'h', a), { kind: 'revoked', line: 2 });
  });

  it('asks the server for the key types it knows, and appends lines in OpenSSH form', () => {
    const entries = parseKnownHosts(`h ssh-rsa AAAA\nh ssh-ed25519 BBBB\n`);
    assert.deepEqual(knownKeyTypes(entries, 'h'), ['ssh-rsa', 'ssh-ed25519']);
    assert.deepEqual(hostKeyAlgorithms(['ssh-rsa']), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    const appended = parseKnownHosts(knownHostsLine('[h]:2222', a));
    assert.deepEqual(checkHostKey(appended, '[h]:2222', a), { kind: 'known', line: 1 });
  });

  it('no host key type in common says what the server offers and what to do', () => {
    const kh = parseKnownHosts('10.0.0.5 ssh-ed25519 AAAA\n');
    const known = noCommonHostKeyType('10.0.0.5', 22, '/k', kh, ['rsa-sha2-512', 'rsa-sha2-256']);
    assert.match(known, /^10\.0\.0\.5 offers host keys of type rsa-sha2-512, rsa-sha2-256 only, but \/k line 1 holds its ssh-ed25519 key/);
    assert.match(known, /`ssh-keyscan -t rsa 10\.0\.0\.5`/);
    assert.match(known, /HostKey \/etc\/ssh\/ssh_host_ed25519_key/);
    const none = noCommonHostKeyType('h', 2222, '/k', [], ['ssh-dss']);
    assert.match(none, /^\[h\]:2222 offers host keys of type ssh-dss only; tsplay accepts ssh-ed25519, ecdsa-sha2-nistp256/);
    assert.match(none, /ssh-keygen -t ed25519/);
    assert.match(none, /HostKeyAlgorithms \+rsa-sha2-512,rsa-sha2-256/);
    assert.ok(ACCEPTED_HOST_KEY_TYPES.includes('rsa-sha2-256'));
  });
});
