/**
 * Plan files over real SSH on lab-26 (files under /tmp/tsplay-plan-lab only): plan, apply, a second plan
 * is empty; plan, drift a file, apply refuses naming it and changes nothing; `tsplay apply PLAN` alone (the plan
 * names its playbook and inventory) applies, and refuses a drifted host the same way.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { paths, requireLab } from './lab-hosts.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const INV = 'test/fixtures/inventory/lab-plan.ts';
const PB = 'test/fixtures/playbooks/plan-lab.ts';

interface Ran {
  code: number;
  out: string;
  err: string;
}
const run = (file: string, ...args: string[]): Promise<Ran> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        'lib/cli/bin.js',
        'run',
        PB,
        '-i',
        INV,
        '--known-hosts',
        paths.knownHosts,
        '--connect-timeout',
        '3',
        ...args,
        ...(args.includes('--check') ? ['--plan-out', file] : ['--plan', file]),
      ],
      { cwd: ROOT, timeout: 60000 },
      (e, out, err) => resolve({ code: e ? Number((e as { code?: number }).code ?? -1) : 0, out, err }),
    );
  });
/** `tsplay apply FILE`: no playbook, no inventory (the plan names them). */
const apply = (file: string): Promise<Ran> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      ['lib/cli/bin.js', 'apply', file, '--known-hosts', paths.knownHosts, '--connect-timeout', '3'],
      { cwd: ROOT, timeout: 60000 },
      (e, out, err) => resolve({ code: e ? Number((e as { code?: number }).code ?? -1) : 0, out, err }),
    );
  });
const ssh = (cmd: string): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile('ssh', ['-i', paths.key, '-o', `UserKnownHostsFile=${paths.knownHosts}`, '-o', 'BatchMode=yes', 'root@10.231.0.36', cmd], (e, out) =>
      e ? reject(e) : resolve(out),
    );
  });
const changing = (file: string) =>
  (JSON.parse(readFileSync(file, 'utf8')) as { hosts: { roles: { resources: { id: string; list?: unknown[] }[] }[] }[] }).hosts
    .flatMap((h) => h.roles.flatMap((r) => r.resources))
    .filter((r) => (r.list ?? []).length)
    .map((r) => r.id);

describe('plan files over SSH (lab-26)', function () {
  this.timeout(120000);
  let tmp = '';
  before(async function () {
    const state = await requireLab(this, 1);
    if (!state.hosts.some((h) => h.name === 'lab-26')) this.skip();
    tmp = mkdtempSync(join(tmpdir(), 'tsplay-plan-'));
    await ssh('rm -rf /tmp/tsplay-plan-lab');
  });
  after(async () => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    await ssh('rm -rf /tmp/tsplay-plan-lab').catch(() => undefined);
  });

  it('plan, apply, and a second plan is empty', async () => {
    const f = join(tmp, 'p1.json');
    const p = await run(f, '--check');
    assert.equal(p.code, 0, p.err);
    assert.deepEqual(changing(f), ['directory:/tmp/tsplay-plan-lab', 'file:/tmp/tsplay-plan-lab/a.conf', 'file:/tmp/tsplay-plan-lab/b.conf']);
    const a = await run(f);
    assert.equal(a.code, 0, a.out + a.err);
    assert.equal(await ssh('cat /tmp/tsplay-plan-lab/a.conf'), 'a\n');
    assert.equal((await run(f, '--check')).code, 0);
    assert.deepEqual(changing(f), []);
  });

  it('plan, drift a file, apply refuses naming it and changes nothing', async () => {
    await ssh('rm -f /tmp/tsplay-plan-lab/a.conf');
    const f = join(tmp, 'p2.json');
    assert.equal((await run(f, '--check')).code, 0);
    assert.deepEqual(changing(f), ['file:/tmp/tsplay-plan-lab/a.conf']);
    await ssh('echo by-hand > /tmp/tsplay-plan-lab/b.conf');
    const a = await run(f);
    assert.equal(a.code & 2, 2, a.out + a.err);
    assert.match(a.out + a.err, /file:\/tmp\/tsplay-plan-lab\/b\.conf/);
    assert.equal(await ssh('test -e /tmp/tsplay-plan-lab/a.conf && echo yes || echo no'), 'no\n');
    assert.equal(await ssh('cat /tmp/tsplay-plan-lab/b.conf'), 'by-hand\n');
  });

  it('tsplay apply PLAN: applies the plan alone, then refuses it once a host drifted, naming the resource', async () => {
    await ssh('rm -rf /tmp/tsplay-plan-lab');
    const f = join(tmp, 'p3.json');
    assert.equal((await run(f, '--check')).code, 0);
    assert.equal(changing(f).length, 3);
    const a = await apply(f);
    assert.equal(a.code, 0, a.out + a.err);
    assert.equal(await ssh('cat /tmp/tsplay-plan-lab/a.conf'), 'a\n');
    await ssh('rm -f /tmp/tsplay-plan-lab/a.conf');
    const g = join(tmp, 'p4.json');
    assert.equal((await run(g, '--check')).code, 0);
    await ssh('echo by-hand > /tmp/tsplay-plan-lab/b.conf');
    const b = await apply(g);
    assert.equal(b.code & 2, 2, b.out + b.err);
    assert.match(b.out + b.err, /file:\/tmp\/tsplay-plan-lab\/b\.conf/);
    assert.equal(await ssh('test -e /tmp/tsplay-plan-lab/a.conf && echo yes || echo no'), 'no\n');
  });
});
