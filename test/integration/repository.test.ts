/**
 * The repository resource on a real Debian host: a flat apt repository signed with an OpenPGP key made
 * for the test (gpg on the controller, no network), served from a directory on the lab host. Trusted by
 * its own key it installs a package; signed by another key, apt refuses it and so does the resource.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from '../../lib/core/connection.js';
import { pkg, repository } from '../../lib/resources/index.js';
import { changedIds, converge } from '../../lib/testing/converge.js';
import { connectSsh } from '../../lib/transport/ssh.js';
import { shellDriver } from '../../lib/transport/shell-driver.js';
import { buildDeb, type DebFixture } from './deb-fixture.js';
import { asHost, paths, requireLab } from './lab-hosts.js';

const REPO = '/srv/tsplay-signed-repo';
const NAME = 'tsplay-signed';
const RESET = [
  'dpkg -P tsplay-signed-hello >/dev/null 2>&1',
  `rm -rf ${REPO} /etc/apt/sources.list.d/${NAME}.sources /etc/apt/keyrings/${NAME}.asc /var/lib/apt/lists/_srv_tsplay-signed-repo_*`,
  'true',
].join('; ');

/** A throw-away signing key in its own GNUPGHOME; returns the armored public key and a clearsign function. */
function signingKey(dir: string, uid: string): { armored: string; clearsign(text: string): string } {
  const home = join(dir, `gnupg-${uid.split('@')[0]}`);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const gpg = (args: string[], input?: string) =>
    execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { input, encoding: 'utf8' });
  gpg(['--quick-gen-key', uid, 'ed25519', 'sign', 'never']);
  return { armored: gpg(['--armor', '--export', uid]), clearsign: (text) => gpg(['--clearsign', '--local-user', uid], text) };
}

/** Packages + InRelease of a flat repository holding `debs`. */
function flatRepo(debs: readonly DebFixture[], clearsign: (text: string) => string): Record<string, string> {
  const packages = debs.map((d) => d.packages).join('\n');
  const sha = createHash('sha256').update(packages).digest('hex');
  const release = [
    'Origin: tsplay tests',
    'Label: tsplay tests',
    `Date: ${new Date().toUTCString()}`,
    'SHA256:',
    ` ${sha} ${Buffer.byteLength(packages)} Packages`,
    '',
  ].join('\n');
  return { Packages: packages, InRelease: clearsign(release) };
}

describe('repository on a real Debian host: a signed apt source', function () {
  this.timeout(60_000);
  let conn: Connection;
  let local: string;
  let deb: DebFixture;
  let newer: DebFixture;
  let ours: ReturnType<typeof signingKey>;
  let theirs: ReturnType<typeof signingKey>;

  before(async function () {
    const state = await requireLab(this, 3);
    conn = await connectSsh(asHost(state.hosts[2]!), { knownHosts: paths.knownHosts, connectTimeoutMs: 5000 });
    await conn.exec(RESET);
    local = mkdtempSync(join(tmpdir(), 'tsplay-repo-'));
    deb = buildDeb(local, 'tsplay-signed-hello', '1.0');
    newer = buildDeb(join(local, 'v2'), 'tsplay-signed-hello', '2.0');
    ours = signingKey(local, 'repo@tsplay.invalid');
    theirs = signingKey(local, 'other@tsplay.invalid');
  });
  after(async () => {
    await conn?.exec(RESET);
    await conn?.close();
    if (local) rmSync(local, { recursive: true, force: true });
  });

  /** The repository directory on the host, signed by `by`. */
  async function publish(by: ReturnType<typeof signingKey>): Promise<void> {
    await conn.exec(`mkdir -p ${REPO}`);
    for (const d of [deb, newer]) await conn.put(`${REPO}/${d.file}`, readFileSync(d.path));
    for (const [f, text] of Object.entries(flatRepo([deb, newer], by.clearsign))) await conn.put(`${REPO}/${f}`, Buffer.from(text));
  }

  it('trusted by its own key, it installs a package in the same apply; then nothing is left to do', async () => {
    await publish(ours);
    const d = shellDriver(conn);
    const rs = [repository({ name: NAME, key: ours.armored, apt: { uris: `file:${REPO}`, suites: './' } }), pkg({ names: [deb.name] })];
    const c = await converge(d, rs);
    assert.equal(c.applied.failure, undefined, `${c.applied.failure?.id}: ${c.applied.failure?.stderr}`);
    assert.deepEqual(changedIds(c.first), [`repository:${NAME}`, `package:${deb.name}`]);
    assert.deepEqual(changedIds(c.second), []);
    assert.match((await conn.exec(`dpkg-query -W -f='\${db:Status-Abbrev}\${Version}' ${deb.name}`)).stdout, /^ii +2\.0$/, 'unpinned: the newest');
    assert.match((await conn.exec(`cat /etc/apt/sources.list.d/${NAME}.sources`)).stdout, new RegExp(`^Signed-By: /etc/apt/keyrings/${NAME}\\.asc$`, 'm'));
  });

  it('a version pin moves the package down to exactly that version, and back up; a pinned host stays put', async () => {
    const d = shellDriver(conn);
    const installed = async () => (await conn.exec(`dpkg-query -W -f='\${Version}' ${deb.name}`)).stdout;
    for (const v of ['1.0', '2.0']) {
      const c = await converge(d, [pkg({ names: [deb.name], versions: { [deb.name]: v } })]);
      assert.equal(c.applied.failure, undefined, `${c.applied.failure?.id}: ${c.applied.failure?.stderr}`);
      assert.deepEqual(c.first.planned[0]!.changes, [{ field: deb.name, before: v === '1.0' ? '2.0' : '1.0', after: v }]);
      assert.deepEqual(changedIds(c.second), []);
      assert.equal(await installed(), v);
    }
  });

  it('signed by another key, apt refuses it and the resource fails, naming the reason; the package does not come', async () => {
    await conn.exec(RESET);
    await publish(theirs);
    const c = await converge(shellDriver(conn), [
      repository({ name: NAME, key: ours.armored, apt: { uris: `file:${REPO}`, suites: './' } }),
      pkg({ names: [deb.name] }),
    ]);
    assert.equal(c.applied.failure?.id, `repository:${NAME}`);
    assert.match(c.applied.failure!.stderr, /NO_PUBKEY|not signed|signatures couldn't be verified/);
    assert.notEqual((await conn.exec(`dpkg-query -W -f='\${db:Status-Abbrev}' ${deb.name} 2>/dev/null | grep -q '^ii'`)).exitCode, 0);
  });
});
