/**
 * `tsplay run --artifact-mirror URL` / `--serve-artifacts ADDR:PORT` through the CLI on fake Debian and
 * RHEL hosts (bench/playbooks/artifacts.ts, a stand-in archive): hosts fetch from the mirror, one that
 * cannot gets the file over SSH and the run's output says so, bad flags are refused before any host.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mirrorUrl } from '../../lib/artifacts/mirror.js';
import { Fleet, INVENTORY, tsplay } from './helpers.js';

const PLAYBOOK = 'bench/playbooks/artifacts.ts';
const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

describe('--artifact-mirror and --serve-artifacts', () => {
  let dir: string;
  const saved = { cache: process.env['TSPLAY_CACHE'], art: process.env['TSPLAY_BENCH_ARTIFACT'] };
  const kubelet = '#!/bin/sh\necho kubelet\n';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-serve-cli-'));
    mkdirSync(join(dir, 'src', 'bin'), { recursive: true });
    writeFileSync(join(dir, 'src', 'bin', 'kubelet'), kubelet);
    execFileSync('tar', ['-cf', join(dir, 'w.tar'), '-C', join(dir, 'src'), 'bin']);
    process.env['TSPLAY_CACHE'] = join(dir, 'cache');
    process.env['TSPLAY_BENCH_ARTIFACT'] = JSON.stringify({
      url: pathToFileURL(join(dir, 'w.tar')).href,
      sha256: sha(readFileSync(join(dir, 'w.tar'))),
      files: ['bin/kubelet'],
    });
  });
  after(() => {
    for (const [k, v] of [
      ['TSPLAY_CACHE', saved.cache],
      ['TSPLAY_BENCH_ARTIFACT', saved.art],
    ] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    rmSync(dir, { recursive: true, force: true });
  });

  it('--artifact-mirror: every host (Debian and RHEL) fetches from it, no warning; the mirror is off after the run', async () => {
    const fleet = new Fleet();
    const url = `http://10.231.0.1:8088/sha256/${sha(kubelet)}`;
    for (const n of ['web-1', 'web-2', 'rhel-1']) fleet.get(n).web.set(url, Buffer.from(kubelet));
    const r = await tsplay(fleet, 'run', PLAYBOOK, '-i', INVENTORY, '--artifact-mirror', 'http://10.231.0.1:8088/');
    assert.equal(r.code, 0, r.err + r.out);
    for (const h of fleet.hosts.values()) {
      assert.equal(h.read('/opt/tsplay-bench/bin/kubelet'), kubelet);
      assert.deepEqual(
        h.log.filter((a) => a.a === 'upload').map((a) => a.a === 'upload' && a.url),
        [url],
      );
    }
    assert.doesNotMatch(r.out + r.err, /sent it over SSH/);
    assert.equal(mirrorUrl('x'), undefined);
  });

  it('--serve-artifacts: hosts that cannot reach it get the file over SSH, and the output says so per host', async () => {
    const fleet = new Fleet();
    const r = await tsplay(fleet, 'run', PLAYBOOK, '-i', INVENTORY, '--serve-artifacts', '127.0.0.1:0');
    assert.equal(r.code, 0, r.err + r.out);
    for (const n of ['web-1', 'web-2', 'rhel-1']) {
      assert.equal(fleet.get(n).read('/opt/tsplay-bench/bin/kubelet'), kubelet);
      assert.match(
        r.out + r.err,
        new RegExp(`${n}: could not fetch /opt/tsplay-bench/bin/kubelet from the artifact mirror \\(.*\\); sent it over SSH instead`),
      );
    }
  });

  it('--check says which files change, as without a mirror', async () => {
    const plain = await tsplay(new Fleet(), 'run', PLAYBOOK, '-i', INVENTORY, '--check');
    const mirrored = await tsplay(new Fleet(), 'run', PLAYBOOK, '-i', INVENTORY, '--check', '--serve-artifacts', '127.0.0.1:0');
    const shape = (s: string) => s.replace(/\d+(\.\d+)? ?m?s\b/g, 'T');
    assert.equal(mirrored.code, plain.code);
    assert.match(plain.out, /\/opt\/tsplay-bench\/bin\/kubelet/);
    assert.equal(shape(mirrored.out), shape(plain.out));
  });

  it('refuses a wildcard address, a malformed one, a non-http mirror, or both flags, before touching a host', async () => {
    for (const [flags, msg] of [
      [['--serve-artifacts', '0.0.0.0:8088'], /--serve-artifacts: name the one address hosts reach this controller on, not the wildcard 0\.0\.0\.0/],
      [['--serve-artifacts', 'lab:8088'], /--serve-artifacts: expected ADDRESS:PORT such as 10\.231\.0\.1:8088/],
      [['--artifact-mirror', 'ftp://10.0.0.1/'], /--artifact-mirror: expected an http/],
      [['--artifact-mirror', 'http://10.0.0.1/', '--serve-artifacts', '127.0.0.1:0'], /give --serve-artifacts or --artifact-mirror, not both/],
    ] as const) {
      const fleet = new Fleet();
      const r = await tsplay(fleet, 'run', PLAYBOOK, '-i', INVENTORY, ...flags);
      assert.equal(r.code, 1, flags.join(' '));
      assert.match(r.err, msg);
      assert.deepEqual(fleet.connects, [], flags.join(' '));
    }
  });
});
