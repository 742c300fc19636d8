/**
 * The artifact mirror over real SSH on lab-26 (Debian bookworm, curl): the controller serves its verified
 * cache on the lab bridge (10.231.0.1, a free port) and the host fetches, verifies and lands each binary
 * itself - no bytes through the SSH session; a byte corrupted in the controller's cache is refused on the
 * host, which keeps its old file; an unreachable mirror falls back to the SSH upload and says so.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { useMirror } from '../../lib/artifacts/mirror.js';
import { serveArtifacts, type ServedArtifacts } from '../../lib/artifacts/serve.js';
import type { Connection } from '../../lib/core/connection.js';
import { artifact } from '../../lib/resources/index.js';
import { changesById, converge } from '../../lib/testing/converge.js';
import { connectSsh } from '../../lib/transport/ssh.js';
import { shellDriver } from '../../lib/transport/shell-driver.js';
import { bridgeAddress } from '../../lib/lab/network.js';
import { asHost, paths, requireLab } from './lab-hosts.js';

const D = '/opt/tsplay-mirror-test';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('artifact mirror over SSH on lab-26', function () {
  this.timeout(60_000);
  let conn: Connection;
  let puts: string[];
  let served: ServedArtifacts;
  let local: string;
  let tarUrl: string;
  let tarSha: string;
  const kubelet = Buffer.alloc(3 << 20, 'kubelet ');
  const proxy = Buffer.alloc(1 << 20, 'kube-proxy ');
  const resource = () =>
    artifact({ url: tarUrl, sha256: tarSha, extract: { files: ['bin/kubelet', 'bin/kube-proxy'], dest: `${D}/bin` }, cacheDir: join(local, 'cache') });
  const sh = async (cmd: string) => {
    const r = await conn.exec(cmd);
    assert.equal(r.exitCode, 0, `${cmd}: ${r.stderr}`);
    return r.stdout;
  };

  before(async function () {
    const state = await requireLab(this, 26);
    const host = state.hosts.find((h) => h.name === 'lab-26');
    if (!host) this.skip();
    conn = await connectSsh(asHost(host!), { knownHosts: paths.knownHosts, connectTimeoutMs: 5000 });
    puts = [];
    // Every put that goes through the SSH session, by path.
    const put = conn.put.bind(conn);
    conn.put = (path, from, opts) => (puts.push(path), put(path, from, opts));
    local = mkdtempSync(join(tmpdir(), 'tsplay-mirror-'));
    mkdirSync(join(local, 'src', 'bin'), { recursive: true });
    writeFileSync(join(local, 'src', 'bin', 'kubelet'), kubelet);
    writeFileSync(join(local, 'src', 'bin', 'kube-proxy'), proxy);
    execFileSync('tar', ['-cf', join(local, 'k.tar'), '-C', join(local, 'src'), 'bin']);
    tarUrl = pathToFileURL(join(local, 'k.tar')).href;
    tarSha = sha(readFileSync(join(local, 'k.tar')));
    served = await serveArtifacts(`${bridgeAddress}:0`);
    await sh(`rm -rf ${D}`);
  });
  after(async () => {
    useMirror(undefined);
    await conn?.exec(`rm -rf ${D}`);
    await conn?.close();
    await served?.close();
    if (local) rmSync(local, { recursive: true, force: true });
  });

  it('the host fetches both binaries from the controller over HTTP, verified; nothing goes through SSH', async () => {
    const notes: string[] = [];
    useMirror(served.url, (t) => notes.push(t));
    const { applied, second } = await converge(shellDriver(conn), [resource()]);
    assert.equal(applied.failure, undefined, applied.failure?.stderr);
    assert.deepEqual(puts, []);
    assert.deepEqual(notes, []);
    assert.equal(await sh(`cd ${D}/bin && sha256sum kubelet kube-proxy`), `${sha(kubelet)}  kubelet\n${sha(proxy)}  kube-proxy\n`);
    assert.equal(await sh(`stat -c %a ${D}/bin/kubelet; ls -A ${D}/bin | grep -c tsplay || true`), '755\n0\n');
    assert.deepEqual(changesById(second), {});
  });

  it('a corrupted byte is refused on the host: the run fails, the old kubelet stays, no temp is left', async () => {
    useMirror(served.url, () => undefined);
    await sh(`printf 'old kubelet\\n' >${D}/bin/kubelet`);
    // The controller's extracted copy changes after it was verified (a disk error, a meddler): the server sends the bad bytes.
    const cached = execFileSync('find', [join(local, 'cache'), '-path', '*/bin/kubelet', '-type', 'f'], { encoding: 'utf8' }).trim();
    const bad = readFileSync(cached);
    bad[12345] = bad[12345]! ^ 0x20;
    writeFileSync(cached, bad);
    const { applied } = await converge(shellDriver(conn), [resource()]);
    assert.match(
      applied.failure?.stderr ?? '',
      new RegExp(`sha256 mismatch for ${served.url.replace(/\./g, '\\.')}/sha256/${sha(kubelet)}: expected ${sha(kubelet)}, got ${sha(bad)}`),
    );
    assert.equal(await sh(`cat ${D}/bin/kubelet; ls -A ${D}/bin | grep -c tsplay || true`), 'old kubelet\n0\n');
    assert.deepEqual(puts, []);
    writeFileSync(cached, kubelet);
  });

  it('a mirror the host cannot reach: the SSH upload instead, and a warning naming the host', async () => {
    const notes: string[] = [];
    useMirror(`http://${bridgeAddress}:1`, (t) => notes.push(t));
    const { applied } = await converge(shellDriver(conn), [resource()]);
    assert.equal(applied.failure, undefined, applied.failure?.stderr);
    assert.deepEqual(puts, [`${D}/bin/kubelet`]);
    assert.equal(notes.length, 1);
    assert.match(
      notes[0]!,
      /^lab-26: could not fetch \/opt\/tsplay-mirror-test\/bin\/kubelet from the artifact mirror \(curl: \(\d+\) .*\); sent it over SSH instead$/,
    );
    assert.equal(await sh(`sha256sum ${D}/bin/kubelet`), `${sha(kubelet)}  ${D}/bin/kubelet\n`);
  });
});
