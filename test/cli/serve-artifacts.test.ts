/**
 * Artifact mirrors through the CLI on fake Debian and RHEL hosts (bench/playbooks/artifacts.ts, a stand-in
 * archive): each group's inventory artifact_mirror, -e artifact_mirror over it, `--artifact-mirror URL` /
 * `--serve-artifacts ADDR:PORT` over both; hosts fetch from their mirror, one that cannot gets the file over
 * SSH and the run's output says so, bad flags and bad var values are refused before any host.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Fleet, INVENTORY, tsplay } from './helpers.js';

const PLAYBOOK = 'bench/playbooks/artifacts.ts';
const MIRRORS = 'test/fixtures/inventory/fake-mirrors.ts';
const BIN = '/opt/tsplay-bench/bin/kubelet';
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
    // Nothing of the mirror outlives its run: the next run in this process uploads over SSH.
    const next = new Fleet();
    assert.equal((await tsplay(next, 'run', PLAYBOOK, '-i', INVENTORY)).code, 0);
    for (const h of next.hosts.values()) assert.deepEqual(uploads(h), [undefined]);
  });

  /** The mirror URL of each upload the host got (undefined: an SSH upload). */
  const uploads = (h: { log: readonly { a: string; url?: string }[] }) => h.log.filter((a) => a.a === 'upload').map((a) => a.url);
  /** A fleet whose hosts each serve the binary at every mirror named. */
  const serving = (names: readonly string[], mirrors: readonly string[]) => {
    const fleet = new Fleet();
    for (const n of names) for (const m of mirrors) fleet.get(n).web.set(`${m}/sha256/${sha(kubelet)}`, Buffer.from(kubelet));
    return fleet;
  };
  const HOSTS = ['web-1', 'web-2', 'rhel-1', 'rhel-2'];
  const SITE_A = 'http://10.231.0.1:8088';
  const SITE_B = 'http://10.231.0.2:8088';

  it("the inventory's artifact_mirror, per group: each group's hosts fetch from their own mirror, a host with false over SSH", async () => {
    const fleet = serving(HOSTS, [SITE_A, SITE_B]);
    const r = await tsplay(fleet, 'run', PLAYBOOK, '-i', MIRRORS);
    assert.equal(r.code, 0, r.err + r.out);
    const sha1 = sha(kubelet);
    assert.deepEqual(Object.fromEntries(HOSTS.map((n) => [n, uploads(fleet.get(n))])), {
      'web-1': [`${SITE_A}/sha256/${sha1}`],
      'web-2': [`${SITE_A}/sha256/${sha1}`],
      'rhel-1': [`${SITE_B}/sha256/${sha1}`],
      'rhel-2': [undefined],
    });
    for (const n of HOSTS) assert.equal(fleet.get(n).read(BIN), kubelet);
    assert.doesNotMatch(r.out + r.err, /sent it over SSH/);
  });

  it('-e artifact_mirror overrides the inventory for every host, --artifact-mirror overrides both; -e false turns it off', async () => {
    const other = 'http://10.231.0.9:8088';
    const flag = 'http://10.231.0.7:8088';
    const cases = [
      [['-e', `artifact_mirror=${other}`], other],
      [['-e', `artifact_mirror=${other}`, '--artifact-mirror', flag], flag],
      [['--artifact-mirror', flag], flag],
      [['-e', 'artifact_mirror=false'], undefined],
    ] as const;
    for (const [args, want] of cases) {
      const fleet = serving(HOSTS, [SITE_A, SITE_B, other, flag]);
      const r = await tsplay(fleet, 'run', PLAYBOOK, '-i', MIRRORS, ...args);
      assert.equal(r.code, 0, r.err + r.out);
      for (const n of HOSTS) assert.deepEqual(uploads(fleet.get(n)), [want && `${want}/sha256/${sha(kubelet)}`], `${n} ${args.join(' ')}`);
    }
  });

  it("--serve-artifacts is every host's mirror for the run, over the inventory's", async () => {
    const fleet = serving(HOSTS, [SITE_A, SITE_B]);
    const r = await tsplay(fleet, 'run', PLAYBOOK, '-i', MIRRORS, '--serve-artifacts', '127.0.0.1:0');
    assert.equal(r.code, 0, r.err + r.out);
    for (const n of HOSTS) assert.match(String(uploads(fleet.get(n))[0]), /^http:\/\/127\.0\.0\.1:\d+\/sha256\//, n);
  });

  it('a host whose inventory mirror it cannot reach gets the file over SSH, and the output names it', async () => {
    const fleet = serving(['web-1', 'web-2'], [SITE_A]);
    const r = await tsplay(fleet, 'run', PLAYBOOK, '-i', MIRRORS, '--limit', 'rhel-1:web-1');
    assert.equal(r.code, 0, r.err + r.out);
    assert.equal(fleet.get('rhel-1').read(BIN), kubelet);
    assert.match(
      r.out + r.err,
      new RegExp(`rhel-1: could not fetch ${BIN} from the artifact mirror \\(.*10\\.231\\.0\\.2:8088.*\\); sent it over SSH instead`),
    );
    assert.doesNotMatch(r.out + r.err, /web-1: could not fetch/);
  });

  it('--check with an inventory mirror reports what it does without one', async () => {
    const shape = (s: string) => s.replace(/\d+(\.\d+)? ?m?s\b/g, 'T');
    const plain = await tsplay(new Fleet(), 'run', PLAYBOOK, '-i', MIRRORS, '--check', '-e', 'artifact_mirror=false');
    const mirrored = await tsplay(new Fleet(), 'run', PLAYBOOK, '-i', MIRRORS, '--check');
    assert.equal(mirrored.code, plain.code);
    assert.match(plain.out, /\/opt\/tsplay-bench\/bin\/kubelet/);
    assert.equal(shape(mirrored.out), shape(plain.out));
  });

  it('a bad or misspelt artifact_mirror is refused before any host, naming the file and where it is set', async () => {
    const fleet = new Fleet();
    const r = await tsplay(fleet, 'run', PLAYBOOK, '-i', 'test/fixtures/inventory/fake-mirror-typos.ts');
    assert.equal(r.code, 1, r.err);
    assert.equal(
      r.err,
      [
        'error: test/fixtures/inventory/fake-mirror-typos.ts: 3 problems with vars:',
        '  global vars: unknown var "artifact_mirorr" (no role of this playbook or of the project reads it). Did you mean "artifact_mirror"?',
        '  group web: artifact_mirror: expected an http:// or https:// URL without query, fragment or credentials, got "ftp://10.231.0.1/"',
        '  host rhel-1: artifact_mirror: expected an http:// or https:// URL without query, fragment or credentials, got "http://user:pw@10.231.0.2/"',
        '',
      ].join('\n'),
    );
    assert.deepEqual(fleet.connects, []);
    for (const [args, msg] of [
      [
        ['-e', 'artifact_mirror=ftp://x/'],
        'error: -e artifact_mirror: expected an http:// or https:// URL without query, fragment or credentials, got "ftp://x/"\n',
      ],
      [['-e', 'artifact_miror=http://x/'], 'error: -e artifact_miror: no role in this playbook has a var "artifact_miror". Did you mean "artifact_mirror"?\n'],
    ] as const) {
      const f2 = new Fleet();
      const bad = await tsplay(f2, 'run', PLAYBOOK, '-i', MIRRORS, ...args);
      assert.equal(bad.code, 1, args.join(' '));
      assert.equal(bad.err, msg);
      assert.deepEqual(f2.connects, []);
    }
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
