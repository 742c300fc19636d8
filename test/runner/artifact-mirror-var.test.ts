/**
 * The engine var artifact_mirror through compile, prepare and a run on fake Debian and RHEL hosts: each
 * group's mirror reaches only its own hosts' upload actions, -e overrides the inventory for every host and
 * the run's override (--artifact-mirror, --serve-artifacts) both, a delegated role fetches through its
 * target's mirror, and a bad value is refused at compile naming the inventory file and the host or group.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'mocha';
import type { ArtifactMirror } from '../../lib/core/artifact-mirror.js';
import type { Host } from '../../lib/core/model.js';
import { definePlaybook, use, type UseOptions } from '../../lib/dsl/playbook.js';
import { defineRole } from '../../lib/dsl/role.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import { buildInventory, selector, validateInventory, type Inventory } from '../../lib/inventory/index.js';
import { artifact } from '../../lib/resources/index.js';
import { compile } from '../../lib/runner/compile.js';
import { prepareAll } from '../../lib/runner/prepare.js';
import { runPlaybook } from '../../lib/runner/run.js';
import { FakeHost } from '../../lib/testing/index.js';
import { Recorder } from './helpers.js';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const A = 'http://10.231.0.1:8088';
const B = 'http://10.231.0.2:8088';
const E = 'http://10.231.0.9:8088';
const FLAG = 'http://10.231.0.7:8088';
const NAMES = ['deb-a', 'rhel-a', 'deb-b', 'rhel-b', 'deb-c'];

describe('artifact_mirror: a host var the engine reads', () => {
  let dir: string;
  let url: string;
  const kubelet = '#!/bin/sh\necho kubelet\n';
  /** Installs the binary at a path named for the host it is for (a delegate gets each host's). */
  const install = defineRole<object>({
    name: 'install',
    defaults: {},
    resources: (_v, host) => [artifact({ url, sha256: sha(kubelet), path: `/usr/local/bin/kubelet-${host.name}`, cacheDir: join(dir, 'cache') })],
  });
  const playbook = (opts: UseOptions = {}) => definePlaybook({ name: 'pb', plays: [{ name: 'install', hosts: 'all', roles: [use(install, {}, opts)] }] });
  const spec = (more: Partial<InventorySpec> = {}): InventorySpec => ({
    defaults: { transport: 'fake' },
    hosts: Object.fromEntries(NAMES.map((n, i) => [n, { address: `10.0.0.${i + 1}` }])),
    groups: {
      'site-a': { hosts: ['deb-a', 'rhel-a'], vars: { artifact_mirror: `${A}/` } },
      'site-b': { hosts: ['deb-b', 'rhel-b'], vars: { artifact_mirror: B } },
    },
    ...more,
  });
  const inv = (s: InventorySpec = spec()): Inventory => buildInventory(validateInventory(s, 'inventory/sites.ts'), 'inventory/sites.ts');

  /** Compile, prepare (with the run's override, if any) and apply; each host serves the binary at every mirror. */
  async function run(
    o: { inventory?: Inventory; extraVars?: Record<string, string>; override?: ArtifactMirror; opts?: UseOptions; mode?: 'check' | 'apply' } = {},
  ) {
    const i = o.inventory ?? inv();
    const plays = compile(playbook(o.opts), selector(i), { tags: [], skipTags: [], extraVars: o.extraVars ?? {} });
    const mode = o.mode ?? 'apply';
    await prepareAll(plays, { mode, note: () => undefined }, o.override);
    const hosts = new Map(NAMES.map((n) => [n, n.startsWith('rhel') ? FakeHost.rhel(n) : FakeHost.debian(n)]));
    for (const h of hosts.values()) for (const m of [A, B, E, FLAG]) h.web.set(`${m}/sha256/${sha(kubelet)}`, Buffer.from(kubelet));
    const rec = new Recorder();
    const stats = await runPlaybook(plays, i.cluster, { playbook: 'pb', mode, diff: false }, { reporter: rec, connect: async (h: Host) => hosts.get(h.name)! });
    const uploads = Object.fromEntries(NAMES.map((n) => [n, hosts.get(n)!.log.flatMap((a) => (a.a === 'upload' ? [a.url] : []))]));
    return { stats, rec, hosts, uploads };
  }
  const at = (base: string | undefined) => [base && `${base}/sha256/${sha(kubelet)}`];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-mirror-var-'));
    writeFileSync(join(dir, 'kubelet'), kubelet);
    url = pathToFileURL(join(dir, 'kubelet')).href;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("each group's mirror reaches only its own hosts' uploads (Debian and RHEL); a host in no such group uploads over SSH", async () => {
    const { stats, uploads, hosts } = await run();
    assert.deepEqual(uploads, { 'deb-a': at(A), 'rhel-a': at(A), 'deb-b': at(B), 'rhel-b': at(B), 'deb-c': at(undefined) });
    for (const n of NAMES) {
      assert.equal(hosts.get(n)!.read(`/usr/local/bin/kubelet-${n}`), kubelet);
      assert.equal(stats.hosts[n]?.failed, 0, n);
    }
  });

  it('a host var wins over its group, and false turns a group mirror off for one host', async () => {
    const s = spec();
    const { uploads } = await run({
      inventory: inv({
        ...s,
        hosts: {
          ...s.hosts,
          'rhel-a': { address: '10.0.0.2', vars: { artifact_mirror: B } },
          'deb-b': { address: '10.0.0.3', vars: { artifact_mirror: false } },
        },
      }),
    });
    assert.deepEqual(uploads, { 'deb-a': at(A), 'rhel-a': at(B), 'deb-b': at(undefined), 'rhel-b': at(B), 'deb-c': at(undefined) });
  });

  it('precedence: the run override over -e over the inventory, for every host', async () => {
    const every = (base: string | undefined) => Object.fromEntries(NAMES.map((n) => [n, at(base)]));
    assert.deepEqual((await run({ extraVars: { artifact_mirror: E } })).uploads, every(E));
    assert.deepEqual((await run({ extraVars: { artifact_mirror: 'false' } })).uploads, every(undefined));
    assert.deepEqual((await run({ extraVars: { artifact_mirror: E }, override: { base: FLAG } })).uploads, every(FLAG));
    assert.deepEqual((await run({ override: { base: FLAG } })).uploads, every(FLAG));
  });

  it("a delegated role fetches through its target's mirror: the bytes land there", async () => {
    const { uploads } = await run({ opts: { delegateTo: () => 'rhel-b' } });
    assert.deepEqual(
      uploads['rhel-b'],
      NAMES.flatMap(() => at(B)),
    );
    for (const n of NAMES.filter((x) => x !== 'rhel-b')) assert.deepEqual(uploads[n], []);
  });

  it('check mode reports the same changes with mirrors as without, and fetches nothing', async () => {
    const lines = (r: Recorder) => r.of('resource').map((e) => `${e.host} ${e.resource} ${e.status} ${JSON.stringify(e.changes ?? [])}`);
    const mirrored = await run({ mode: 'check' });
    const plain = await run({ mode: 'check', extraVars: { artifact_mirror: 'false' } });
    assert.deepEqual(lines(mirrored.rec), lines(plain.rec));
    assert.equal(lines(mirrored.rec).length, NAMES.length);
    assert.deepEqual(Object.values(mirrored.uploads).flat(), []);
  });

  it('a bad URL is refused at compile, naming the inventory file and the host or group that sets it', () => {
    const s = spec();
    const bad = inv({
      ...s,
      hosts: { ...s.hosts, 'rhel-a': { address: '10.0.0.2', vars: { artifact_mirror: 'ftp://10.231.0.1/' } } },
      groups: { ...s.groups, 'site-b': { hosts: ['deb-b', 'rhel-b'], vars: { artifact_mirror: 8088 } } },
    });
    assert.throws(
      () => compile(playbook(), selector(bad), { tags: [], skipTags: [], extraVars: {} }),
      (e: Error) =>
        e.message ===
        [
          'inventory/sites.ts: 2 problems with vars:',
          '  group site-b: artifact_mirror: expected an http(s) URL, or false for none, got the number 8088',
          '  host rhel-a: artifact_mirror: expected an http:// or https:// URL without query, fragment or credentials, got "ftp://10.231.0.1/"',
        ].join('\n'),
    );
    // An inventory built in memory (no spec to check by place): the host's merged value, named by host.
    const sel = selector(bad);
    assert.throws(
      () => compile(playbook(), { select: sel.select, limit: sel.limit, cluster: sel.cluster }, { tags: [], skipTags: [], extraVars: {} }),
      /^ConfigError: inventory\/sites\.ts: host rhel-a: artifact_mirror: expected an http:\/\/ or https:\/\/ URL without query, fragment or credentials, got "ftp:\/\/10\.231\.0\.1\/"$/,
    );
  });

  it('a misspelt artifact_mirror gets a did-you-mean, in the inventory and in -e; under a role it is told where it belongs', () => {
    const s = spec();
    const typo = inv({ ...s, groups: { ...s.groups, 'site-b': { hosts: ['deb-b'], vars: { artifact_mirorr: B } } } });
    assert.throws(
      () => compile(playbook(), selector(typo), { tags: [], skipTags: [], extraVars: {} }),
      /^ConfigError: inventory\/sites\.ts: group site-b: unknown var "artifact_mirorr" \(no role of this playbook reads it\)\. Did you mean "artifact_mirror"\?$/,
    );
    assert.throws(
      () => compile(playbook(), selector(inv()), { tags: [], skipTags: [], extraVars: { artifact_miror: E } }),
      /^ConfigError: -e artifact_miror: no role in this playbook has a var "artifact_miror"\. Did you mean "artifact_mirror"\?$/,
    );
    assert.throws(
      () => compile(playbook(), selector(inv()), { tags: [], skipTags: [], extraVars: { artifact_mirror: 'http://x/?q' } }),
      /^ConfigError: -e artifact_mirror: expected an http:\/\/ or https:\/\/ URL without query/,
    );
    const scoped = inv({ ...s, vars: { install: { artifact_mirror: A } } });
    assert.throws(
      () => compile(playbook(), selector(scoped), { tags: [], skipTags: [], extraVars: {} }),
      /global vars: install\.artifact_mirror: role install has no var "artifact_mirror"\. "artifact_mirror" is read by tsplay itself, per host: set it at the top level or in a group's or a host's vars\.$/,
    );
  });
});
