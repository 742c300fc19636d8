/**
 * `tsplay exec` and `tsplay facts` over real SSH (the CLI in a child process) against lab-26, read-only:
 * output grouped and streamed, JSON, --become and --become-user through sudo, an unreachable host's bit.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { paths, requireLab } from './lab-hosts.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const INV = 'test/fixtures/inventory/lab-toolkit.ts';

interface Ran {
  code: number;
  out: string;
  err: string;
}

/** `tsplay CMD ...args`, the SSH options right after CMD (everything after -- is the remote command). */
function tsplay(cmd: string, ...args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['lib/cli/bin.js', cmd, '--known-hosts', paths.knownHosts, '--connect-timeout', '3', ...args],
      { cwd: ROOT, timeout: 60000 },
      (e, out, err) => resolve({ code: e ? Number((e as { code?: number }).code ?? -1) : 0, out, err }),
    );
  });
}

describe('tsplay exec and facts over SSH (lab-26)', function () {
  this.timeout(90000);
  before(async function () {
    const state = await requireLab(this, 1);
    if (!state.hosts.some((h) => h.name === 'lab-26')) this.skip();
  });

  it('runs a shell command and groups its output under the host', async () => {
    const r = await tsplay('exec', '-i', INV, 'lab', '--', 'echo out; echo err >&2; hostname');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^lab-26 \| OK \| rc=0 \| \d+ ms\nout\nlab-26\n--- stderr\nerr\n$/);
    assert.match(r.err, /1 host: 1 ok/);
  });

  it('a non-zero exit sets bit 2; an unreachable host sets bit 4 and the reachable one still runs', async () => {
    const r = await tsplay('exec', '-i', INV, 'all', '--stream', '--', 'exit 3');
    assert.equal(r.code, 2 | 4, r.err);
    assert.match(r.out, /^lab-26 += rc=3 \d+ ms$/m);
    assert.match(r.out, /^closed +! UNREACHABLE: /m);
  });

  it('--json: one object per host with rc and output', async () => {
    const r = await tsplay('exec', '-i', INV, 'lab-26', '--json', '--', 'cat /etc/hostname');
    assert.equal(r.code, 0, r.err);
    const row = JSON.parse(r.out.trim()) as { host: string; status: string; rc: number; stdout: string };
    assert.deepEqual([row.host, row.status, row.rc, row.stdout], ['lab-26', 'ok', 0, 'lab-26\n']);
  });

  it('--become runs as root, --become-user as another user', async () => {
    const root = await tsplay('exec', '-i', INV, 'lab', '-b', '--', 'id -u');
    assert.equal(root.code, 0, root.err);
    assert.match(root.out, /\n0\n$/);
    const nobody = await tsplay('exec', '-i', INV, 'lab', '-b', '--become-user', 'nobody', '--', 'id -un');
    assert.equal(nobody.code, 0, nobody.err + nobody.out);
    assert.match(nobody.out, /\nnobody\n$/);
  });

  it('an Ansible INI inventory reaches the host as it names it (ansible_host, ansible_user, key file)', async () => {
    const r = await tsplay('exec', '-i', 'test/fixtures/inventory/lab-toolkit.ini', 'lab', '--', 'hostname');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^node1 \| OK \| rc=0 \| \d+ ms\nlab-26\n$/);
  });

  it('facts: what roles see, as JSON by host', async () => {
    const r = await tsplay('facts', '-i', INV, 'lab');
    assert.equal(r.code, 0, r.err);
    const f = (
      JSON.parse(r.out) as Record<string, { hostname: string; os: { family: string }; packageManager: string; interfaces: { addresses?: string[] }[] }>
    )['lab-26']!;
    assert.equal(f.hostname, 'lab-26');
    assert.equal(f.os.family, 'debian');
    assert.equal(f.packageManager, 'apt');
    assert.match(JSON.stringify(f.interfaces), /10\.231\.0\.36/);
  });
});
