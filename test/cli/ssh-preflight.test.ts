/**
 * What SSH needs on the controller (key files, known_hosts) is checked before any host is touched (exit 1),
 * and a failure after connecting still ends the command: the real `tsplay` process against an in-process sshd.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, fakeSshd, keyPair, type FakeSshd } from '../transport/ssh-server.js';
import { Fleet, SAMPLE, tsplay } from './helpers.js';

const BIN = fileURLToPath(new URL('../../lib/cli/bin.js', import.meta.url));
const scratch = () => mkdtempSync(join(tmpdir(), 'tsplay-preflight-'));

/** An inventory module of SSH hosts: name -> [port, key file]. */
function inventory(hosts: Record<string, readonly [number, string]>): string {
  const file = join(scratch(), 'inventory.mjs');
  const entries = Object.entries(hosts).map(([n, [port, key]]) => [n, { address: '127.0.0.1', port, key }]);
  writeFileSync(file, `export default ${JSON.stringify({ defaults: { user: 'root' }, hosts: Object.fromEntries(entries) })};\n`);
  return file;
}

/** Run the real CLI as its own process; resolves with what it printed and how long it took to exit. */
function cli(args: string[], limitMs: number): Promise<{ code: number | null; out: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tsplay ${args.join(' ')} did not exit within ${limitMs} ms:\n${out}`));
    }, limitMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, ms: Date.now() - started });
    });
  });
}

describe('tsplay run: SSH files checked before any host is touched', function () {
  this.timeout(20_000);
  let sshd: FakeSshd;
  before(async () => {
    sshd = await fakeSshd();
  });
  after(() => sshd?.close());

  it('a known_hosts that is a directory: exit 1 at once, naming the file, no host contacted', async () => {
    const dir = join(scratch(), 'known_hosts');
    mkdirSync(dir);
    const inv = inventory({ a: [sshd.port, sshd.clientKey], b: [sshd.port, sshd.clientKey], c: [sshd.port, sshd.clientKey] });
    const r = await cli(['run', SAMPLE, '-i', inv, '--known-hosts', dir, '--trust-new-host-keys'], 8000);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, new RegExp(`^error: --known-hosts: ${dir} is a directory, not a known_hosts file$`, 'm'));
    assert.doesNotMatch(r.out, /RECAP|internal error/);
    assert.equal(sshd.accepted, 0, 'no host may be contacted');
  });

  it('known_hosts that fails only after connecting: every connection is closed and the command exits', async () => {
    const file = join(scratch(), 'known_hosts');
    symlinkSync('/nonexistent/known_hosts', file); // reads as missing; recording the new key fails
    const before = sshd.accepted;
    const inv = inventory({ a: [sshd.port, sshd.clientKey], b: [sshd.port, sshd.clientKey], c: [sshd.port, sshd.clientKey] });
    const r = await cli(['run', SAMPLE, '-i', inv, '--known-hosts', file, '--trust-new-host-keys'], 8000);
    assert.equal(r.code, 4, r.out);
    assert.match(r.out, new RegExp(`UNREACHABLE \\[a\\] cannot record its host key in ${file}`));
    assert.ok(r.ms < 6000, `took ${r.ms} ms to exit`);
    assert.equal(sshd.accepted - before, 3, 'one connection per host, none retried');
    assert.ok(await eventually(() => sshd.open === 0), `${sshd.open} connection(s) left open`);
  });

  it('a missing, public or encrypted key file: exit 1 naming the hosts and paths, before any host is touched', async () => {
    const dir = scratch();
    const pub = join(dir, 'id.pub');
    writeFileSync(pub, `${sshd.knownHostsLine.split(' ').slice(1).join(' ')}\n`);
    const enc = join(dir, 'id_enc');
    writeFileSync(enc, keyPair('ed25519', 'pw').private);
    const inv = inventory({ good: [22, sshd.clientKey], a: [22, '/nonexistent/id_ed25519'], b: [22, '/nonexistent/id_ed25519'], c: [22, pub], d: [22, enc] });
    const fleet = new Fleet();
    const r = await tsplay(fleet, 'run', SAMPLE, '-i', inv, '--known-hosts', join(dir, 'kh'));
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /^error: inventory: 3 problems with SSH keys:$/m);
    assert.match(r.err, /key file \/nonexistent\/id_ed25519 \(hosts a, b\) does not exist/);
    assert.match(r.err, new RegExp(`key file ${pub} \\(host c\\) holds a public key, not a private one`));
    assert.match(r.err, new RegExp(`key file ${enc} \\(host d\\) is encrypted with a passphrase, .*ssh-agent`));
    assert.deepEqual(fleet.connects, [], 'no host may be touched');
  });

  it('a known_hosts whose directory cannot be made, with --trust-new-host-keys: exit 1', async () => {
    const parent = join(scratch(), 'file');
    writeFileSync(parent, '');
    const fleet = new Fleet();
    const r = await tsplay(
      fleet,
      'run',
      SAMPLE,
      '-i',
      inventory({ a: [22, sshd.clientKey] }),
      '--known-hosts',
      join(parent, 'sub', 'known_hosts'),
      '--trust-new-host-keys',
    );
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, new RegExp(`--known-hosts: .*known_hosts cannot be created: ${parent} is not a directory`));
    assert.deepEqual(fleet.connects, []);
  });
});
