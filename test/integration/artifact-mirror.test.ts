/**
 * The artifact mirror over real SSH on lab-26 (Debian bookworm, curl): the controller serves its verified
 * cache on the lab bridge (10.231.0.1, a free port) and the host fetches, verifies and lands each binary
 * itself - no bytes through the SSH session; a byte corrupted in the controller's cache is refused on the
 * host, which keeps its old file; an unreachable mirror falls back to the SSH upload and says so; and the
 * inventory's artifact_mirror for the host's group, with no flag, sends it to a site mirror through a run.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { prepareArtifact } from '../../lib/artifacts/cache.js';
import { serveArtifacts, type ServedArtifacts } from '../../lib/artifacts/serve.js';
import type { Connection } from '../../lib/core/connection.js';
import { main } from '../../lib/cli/main.js';
import { onMirrorFallback } from '../../lib/core/mirror-fallback.js';
import { definePlaybook } from '../../lib/dsl/playbook.js';
import { defineRole } from '../../lib/dsl/role.js';
import { buildInventory, selector, validateInventory } from '../../lib/inventory/index.js';
import { artifact } from '../../lib/resources/index.js';
import { compile } from '../../lib/runner/compile.js';
import { prepareAll } from '../../lib/runner/prepare.js';
import { runPlaybook } from '../../lib/runner/run.js';
import { changesById, converge, prepareContext } from '../../lib/testing/converge.js';
import { connectSsh } from '../../lib/transport/ssh.js';
import { shellDriver } from '../../lib/transport/shell-driver.js';
import { bridgeAddress } from '../../lib/lab/network.js';
import { Collect } from '../report/helpers.js';
import { asHost, paths, requireLab } from './lab-hosts.js';

const D = '/opt/tsplay-mirror-test';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('artifact mirror over SSH on lab-26', function () {
  this.timeout(60_000);
  let conn: Connection;
  let lab26: { name: string; address: string };
  let puts: string[];
  let served: ServedArtifacts;
  let local: string;
  let tarUrl: string;
  let tarSha: string;
  const kubelet = Buffer.alloc(3 << 20, 'kubelet ');
  const proxy = Buffer.alloc(1 << 20, 'kube-proxy ');
  const resource = () =>
    artifact({ url: tarUrl, sha256: tarSha, extract: { files: ['bin/kubelet', 'bin/kube-proxy'], dest: `${D}/bin` }, cacheDir: join(local, 'cache') });
  /** Every put that goes through the SSH session, by path. */
  const watch = (c: Connection) => {
    const put = c.put.bind(c);
    c.put = (path, from, opts) => (puts.push(path), put(path, from, opts));
  };
  const via = (mirror: string) => ({ ...prepareContext(), mirror: mirror === served?.url ? served.mirror : { base: mirror } });
  const sh = async (cmd: string) => {
    const r = await conn.exec(cmd);
    assert.equal(r.exitCode, 0, `${cmd}: ${r.stderr}`);
    return r.stdout;
  };

  before(async function () {
    const state = await requireLab(this, 26);
    const host = state.hosts.find((h) => h.name === 'lab-26');
    if (!host) this.skip();
    lab26 = host!;
    conn = await connectSsh(asHost(host!), { knownHosts: paths.knownHosts, connectTimeoutMs: 5000 });
    puts = [];
    watch(conn);
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
    onMirrorFallback();
    await conn?.exec(`rm -rf ${D}`);
    await conn?.close();
    await served?.close();
    if (local) rmSync(local, { recursive: true, force: true });
  });

  it('the host fetches both binaries from the controller over HTTP, verified; nothing goes through SSH', async () => {
    const notes: string[] = [];
    onMirrorFallback((t) => notes.push(t));
    const { applied, second } = await converge(shellDriver(conn), [resource()], via(served.url));
    assert.equal(applied.failure, undefined, applied.failure?.stderr);
    assert.deepEqual(puts, []);
    assert.deepEqual(notes, []);
    assert.equal(await sh(`cd ${D}/bin && sha256sum kubelet kube-proxy`), `${sha(kubelet)}  kubelet\n${sha(proxy)}  kube-proxy\n`);
    assert.equal(await sh(`stat -c %a ${D}/bin/kubelet; ls -A ${D}/bin | grep -c tsplay || true`), '755\n0\n');
    assert.deepEqual(changesById(second), {});
  });

  it('a corrupted byte is refused on the host: the run fails, the old kubelet stays, no temp is left', async () => {
    onMirrorFallback(() => undefined);
    await sh(`printf 'old kubelet\\n' >${D}/bin/kubelet`);
    // The controller's extracted copy changes after it was verified (a disk error, a meddler): the server sends the bad bytes.
    const cached = execFileSync('find', [join(local, 'cache'), '-path', '*/bin/kubelet', '-type', 'f'], { encoding: 'utf8' }).trim();
    const bad = readFileSync(cached);
    bad[12345] = bad[12345]! ^ 0x20;
    writeFileSync(cached, bad);
    const { applied } = await converge(shellDriver(conn), [resource()], via(served.url));
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
    onMirrorFallback((t) => notes.push(t));
    const { applied } = await converge(shellDriver(conn), [resource()], via(`http://${bridgeAddress}:1`));
    assert.equal(applied.failure, undefined, applied.failure?.stderr);
    assert.deepEqual(puts, [`${D}/bin/kubelet`]);
    assert.equal(notes.length, 1);
    assert.match(
      notes[0]!,
      /^lab-26: could not fetch \/opt\/tsplay-mirror-test\/bin\/kubelet from the artifact mirror \(curl: \(\d+\) .*\); sent it over SSH instead$/,
    );
    assert.equal(await sh(`sha256sum ${D}/bin/kubelet`), `${sha(kubelet)}  ${D}/bin/kubelet\n`);
  });

  it("the inventory's artifact_mirror for lab-26's group, no flag: a run fetches both binaries from that site mirror", async () => {
    // A site mirror already holding the release (by digest), as an operator's would; the run's own server is not in play.
    const site = await serveArtifacts(`${bridgeAddress}:0`);
    const c = await connectSsh(asHost(lab26), { knownHosts: paths.knownHosts, connectTimeoutMs: 5000 });
    try {
      site.mirror.offer!(await prepareArtifact(tarUrl, { algorithm: 'sha256', hex: tarSha }, ['bin/kubelet', 'bin/kube-proxy'], join(local, 'cache')));
      await sh(`rm -rf ${D}`);
      puts.length = 0;
      watch(c);
      const notes: string[] = [];
      onMirrorFallback((t) => notes.push(t));
      const inv = buildInventory(
        validateInventory(
          {
            hosts: { 'lab-26': { address: lab26.address, key: paths.key } },
            groups: { 'site-lab': { hosts: ['lab-26'], vars: { artifact_mirror: site.url } } },
          },
          'lab-26-inventory',
        ),
        'lab-26-inventory',
      );
      const role = defineRole<object>({ name: 'binaries', defaults: {}, resources: () => [resource()] });
      const pb = definePlaybook({ name: 'mirror', plays: [{ name: 'binaries', hosts: 'site-lab', roles: [role] }] });
      const plays = compile(pb, selector(inv), { tags: [], skipTags: [], extraVars: {} });
      await prepareAll(plays, { mode: 'apply', note: () => undefined });
      const stats = await runPlaybook(
        plays,
        inv.cluster,
        { playbook: 'mirror', mode: 'apply', diff: false },
        { reporter: { emit: () => undefined }, connect: async () => shellDriver(c) },
      );
      assert.equal(stats.hosts['lab-26']?.failed, 0);
      assert.equal(stats.hosts['lab-26']?.changed, 1);
      assert.deepEqual(puts, []);
      assert.deepEqual(notes, []);
      assert.equal(await sh(`cd ${D}/bin && sha256sum kubelet kube-proxy`), `${sha(kubelet)}  kubelet\n${sha(proxy)}  kube-proxy\n`);
    } finally {
      await c.close();
      await site.close();
    }
  });

  it('tsplay run with artifact_mirror in the inventory, no flag: -e artifact_mirror=false sends over SSH; without it lab-26 fetches from the mirror', async function () {
    this.timeout(120_000);
    const site = await serveArtifacts(`${bridgeAddress}:0`);
    const bench = '/opt/tsplay-bench';
    const saved = {
      hosts: process.env.TSPLAY_IT_HOSTS,
      key: process.env.TSPLAY_IT_KEY,
      art: process.env.TSPLAY_BENCH_ARTIFACT,
      cache: process.env.TSPLAY_CACHE,
    };
    try {
      site.mirror.offer!(await prepareArtifact(tarUrl, { algorithm: 'sha256', hex: tarSha }, ['bin/kubelet', 'bin/kube-proxy'], join(local, 'cache')));
      process.env.TSPLAY_IT_HOSTS = JSON.stringify({ 'lab-26': { address: lab26.address, vars: { artifact_mirror: site.url } } });
      process.env.TSPLAY_IT_KEY = paths.key;
      process.env.TSPLAY_BENCH_ARTIFACT = JSON.stringify({ url: tarUrl, sha256: tarSha, files: ['bin/kubelet', 'bin/kube-proxy'] });
      process.env.TSPLAY_CACHE = join(local, 'cache');
      const cli = async (...extra: string[]) => {
        await sh(`rm -rf ${bench}`);
        puts.length = 0;
        const out = new Collect();
        const err = new Collect();
        const started = performance.now();
        const code = await main(
          ['run', 'bench/playbooks/artifacts.ts', '-i', 'test/integration/fixtures/env-inventory.ts', '--known-hosts', paths.knownHosts, ...extra],
          {
            stdout: out,
            stderr: err,
            tty: false,
            connect: async (h) => {
              const c = await connectSsh(h, { knownHosts: paths.knownHosts, connectTimeoutMs: 5000 });
              watch(c);
              return shellDriver(c);
            },
          },
        );
        return { code, text: out.plain + err.plain, ms: Math.round(performance.now() - started), puts: [...puts] };
      };
      // Over SSH first: the playbook's first import is in this run, so the two timings below compare alike.
      const pushed = await cli('-e', 'artifact_mirror=false');
      assert.equal(pushed.code, 0, pushed.text);
      assert.deepEqual(pushed.puts, [`${bench}/bin/kubelet`, `${bench}/bin/kube-proxy`]);
      assert.equal(await sh(`cd ${bench}/bin && sha256sum kubelet kube-proxy`), `${sha(kubelet)}  kubelet\n${sha(proxy)}  kube-proxy\n`);
      const fetched = await cli();
      assert.equal(fetched.code, 0, fetched.text);
      assert.deepEqual(fetched.puts, []);
      assert.doesNotMatch(fetched.text, /sent it over SSH/);
      assert.equal(await sh(`cd ${bench}/bin && sha256sum kubelet kube-proxy`), `${sha(kubelet)}  kubelet\n${sha(proxy)}  kube-proxy\n`);
      console.log(`      (lab-26, 4 MiB in two binaries: over SSH ${pushed.ms} ms, then from the inventory's mirror ${fetched.ms} ms, in-process CLI runs)`);
    } finally {
      for (const [k, v] of Object.entries({
        TSPLAY_IT_HOSTS: saved.hosts,
        TSPLAY_IT_KEY: saved.key,
        TSPLAY_BENCH_ARTIFACT: saved.art,
        TSPLAY_CACHE: saved.cache,
      }))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      await conn.exec(`rm -rf ${bench}`);
      await site.close();
    }
  });
});
