/**
 * delegateTo and cluster gates over real SSH, through the CLI: a role converging lab-2 runs on lab-1
 * ("[lab-2 (on lab-1)]"), --check changes nothing and says where it would run, a second run is a no-op,
 * and the cluster gate reads lab-1 through its connection. Files under /tmp on lab-1 only: lab-1 and lab-2
 * belong to the CI cluster, whose services this test leaves alone. Needs a lab of 2+ hosts.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DIR } from './fixtures/delegate-playbook.js';
import { onHost, paths, requireLab } from './lab-hosts.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Event {
  kind: string;
  host?: string;
  on?: string;
  status?: string;
  gate?: string;
  stats?: { hosts: Record<string, { changed: number; failed: number; roundTrips: number }> };
}

async function tsplay(
  hosts: Record<string, { address: string; vars?: Record<string, unknown> }>,
  ...args: string[]
): Promise<{ code: number; events: Event[]; ms: number; err: string }> {
  const t0 = Date.now();
  const r = await promisify(execFile)(
    process.execPath,
    [
      'lib/cli/bin.js',
      'run',
      'test/integration/fixtures/delegate-playbook.ts',
      '-i',
      'test/integration/fixtures/env-inventory.ts',
      '--json',
      '--known-hosts',
      paths.knownHosts,
      ...args,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, TSPLAY_IT_HOSTS: JSON.stringify(hosts), TSPLAY_IT_KEY: paths.key },
      timeout: 60_000,
    },
  ).then(
    (x) => ({ code: 0, out: x.stdout, err: x.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, out: e.stdout ?? '', err: e.stderr ?? '' }),
  );
  return {
    code: r.code,
    events: r.out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Event),
    ms: Date.now() - t0,
    err: r.err,
  };
}

describe('delegateTo and cluster gates over SSH on lab-1 and lab-2', function () {
  this.timeout(120_000);
  let hosts: Record<string, { address: string; vars?: Record<string, unknown> }>;

  before(async function () {
    const lab = await requireLab(this, 2);
    const [one, two] = [lab.hosts.find((h) => h.name === 'lab-1')!, lab.hosts.find((h) => h.name === 'lab-2')!];
    hosts = { 'lab-1': { address: one.address }, 'lab-2': { address: two.address, vars: { note: 'second' } } };
    await onHost('lab-1', `rm -rf ${DIR}`);
    await onHost('lab-2', `rm -rf ${DIR}`);
  });
  after(async () => {
    if (hosts) await onHost('lab-1', `rm -rf ${DIR}`);
  });

  it('--check says what would change on lab-2, run on lab-1, and changes nothing; the gate is skipped', async () => {
    const r = await tsplay(hosts, '--check');
    assert.equal(r.code, 0, r.err);
    const res = r.events.filter((e) => e.kind === 'resource');
    assert.deepEqual(
      res.map((e) => `${e.host} on ${e.on} ${e.status}`),
      ['lab-2 on lab-1 would-change', 'lab-2 on lab-1 would-change'],
    );
    assert.deepEqual(
      r.events.filter((e) => e.kind === 'cluster-gate').map((e) => e.status),
      ['skipped'],
    );
    assert.equal((await onHost('lab-1', `test -e ${DIR}`)).code, 1);
  });

  it("apply records lab-2 on lab-1 with lab-2's vars, passes both gates, and writes nothing on lab-2", async () => {
    const r = await tsplay(hosts);
    assert.equal(r.code, 0, JSON.stringify(r.events.filter((e) => e.kind === 'host-failed')));
    const lab2 = hosts['lab-2']!.address;
    assert.equal((await onHost('lab-1', `cat ${DIR}/lab-2`)).out, `lab-2 ${lab2} second\n`);
    assert.equal((await onHost('lab-2', `test -e ${DIR}`)).code, 1);
    assert.deepEqual(
      r.events.filter((e) => e.kind === 'gate').map((e) => `${e.host} on ${e.on} ${e.status}`),
      ['lab-2 on lab-1 ok'],
    );
    assert.deepEqual(
      r.events.filter((e) => e.kind === 'cluster-gate').map((e) => e.status),
      ['ok'],
    );
    const stats = r.events.find((e) => e.kind === 'run-end')!.stats!.hosts;
    assert.equal(stats['lab-2']!.changed, 2);
    assert.equal(stats['lab-2']!.roundTrips, 0);
    assert.ok(stats['lab-1']!.roundTrips >= 2);
    console.log(`      (apply through lab-1: ${r.ms} ms)`);
  });

  it('a second run is a no-op; a gate that fails stops the run, naming what is missing', async () => {
    const again = await tsplay(hosts);
    assert.equal(again.code, 0);
    assert.equal(again.events.find((e) => e.kind === 'run-end')!.stats!.hosts['lab-2']!.changed, 0);
    await onHost('lab-1', `rm -f ${DIR}/lab-2 && mkdir -p ${DIR}`);
    // The record is gone but check --tags would restore it: run the gate alone by asking for a host the record role skips.
    const broken = await tsplay(hosts, '--skip-tags', 'record');
    assert.equal(broken.code, 2);
    const failed = broken.events.filter((e) => e.kind === 'host-failed') as unknown as { host: string; error: string }[];
    assert.deepEqual(
      failed.map((e) => e.host),
      ['lab-2'],
    );
    assert.match(failed[0]!.error, /no record for lab-2/);
  });
});
