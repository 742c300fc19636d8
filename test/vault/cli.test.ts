/**
 * `tsplay vault` end to end: the real bin as its own process, the passphrase from TSPLAY_VAULT_PASSWORD,
 * $EDITOR a small sh script; and the files are age's own (`age -d` reads them, when age is installed).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scratch } from './helpers.js';

const BIN = fileURLToPath(new URL('../../lib/cli/bin.js', import.meta.url));
const PASS = 'cli vault passphrase 1';
const CLEAR = 'db_password: "cli s3cret value"\nport: 8181\n';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** The real `tsplay vault ...`; `onSpawn` may signal the process. stderr without the note about a stale dist/. */
function tsplay(args: string[], env: NodeJS.ProcessEnv, onSpawn?: (pid: number) => void): Promise<Exit> {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  if (onSpawn) onSpawn(child.pid!);
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out, err: err.replace(/^tsplay: dist\/ is stale.*\n/m, '') })));
}

/** age itself, answering its passphrase prompts on a pseudo-terminal (age reads a passphrase only from a terminal). */
function age(args: string[], passphrase: string): { status: number | null; out: string } {
  const script = `
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp("age", ["age"] + sys.argv[2:])
out = b""
answered = 0
while True:
    try:
        d = os.read(fd, 1024)
    except OSError:
        break
    if not d:
        break
    out += d
    if out.count(b"Enter passphrase") + out.count(b"Confirm passphrase") > answered:
        answered += 1
        os.write(fd, sys.argv[1].encode() + b"\\n")
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
`;
  const r = spawnSync('python3', ['-c', script, passphrase, ...args], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout };
}
const haveAge = spawnSync('age', ['--version']).status === 0 && spawnSync('python3', ['-c', 'import pty']).status === 0;

describe('tsplay vault (the real command)', function () {
  this.timeout(120_000); // scrypt at age's work factor, in pure JS: 1.5 s or more per encryption or decryption
  const env = { TSPLAY_VAULT_PASSWORD: PASS };

  it('encrypt, view, edit ($EDITOR), decrypt: exit 0 each, the mode kept, nothing left beside the file', async () => {
    const s = scratch();
    const f = s.write('vars.yml', CLEAR, 0o640);
    const enc = await tsplay(['vault', 'encrypt', f], env);
    assert.deepEqual([enc.code, enc.err], [0, `${f}: encrypted\n`]);
    assert.match(readFileSync(f, 'utf8'), /^-----BEGIN AGE ENCRYPTED FILE-----\n[\s\S]+\n-----END AGE ENCRYPTED FILE-----\n$/);
    assert.equal(statSync(f).mode & 0o777, 0o640);
    const view = await tsplay(['vault', 'view', f], env);
    assert.deepEqual([view.code, view.out], [0, CLEAR]);
    const editor = s.write('editor.sh', `#!/bin/sh\necho "$1" > "${s.dir}/seen"\nsed -i 's/8181/9191/' "$1"\n`, 0o755);
    const edit = await tsplay(['vault', 'edit', f], { ...env, EDITOR: editor });
    assert.deepEqual([edit.code, edit.err], [0, `${f}: saved, encrypted\n`]);
    assert.ok(!existsSync(dirname(readFileSync(`${s.dir}/seen`, 'utf8').trim())), 'the temp dir is gone');
    const dec = await tsplay(['vault', 'decrypt', f], env);
    assert.equal(dec.code, 0);
    assert.match(dec.err, /^warning: .*vars\.yml is now in clear text/);
    assert.equal(readFileSync(f, 'utf8'), CLEAR.replace('8181', '9191'));
    assert.equal(statSync(f).mode & 0o777, 0o640);
    assert.deepEqual(s.entries(), ['editor.sh', 'seen', 'vars.yml']);
  });

  it('a wrong passphrase: exit 1, an error naming the file, the file unchanged; encrypting twice is refused', async () => {
    const s = scratch();
    const f = s.write('vars.yml', CLEAR);
    await tsplay(['vault', 'encrypt', f], env);
    const sealed = readFileSync(f, 'utf8');
    const r = await tsplay(['vault', 'decrypt', f], { TSPLAY_VAULT_PASSWORD: 'a wrong one' });
    assert.equal(r.code, 1);
    assert.match(r.err, new RegExp(`^error: ${f}: wrong passphrase: it does not decrypt this file`));
    const again = await tsplay(['vault', 'encrypt', f], env);
    assert.equal(again.code, 1);
    assert.match(again.err, /is already encrypted \(age\): nothing done/);
    assert.equal(readFileSync(f, 'utf8'), sealed);
    assert.deepEqual(s.entries(), ['vars.yml']);
  });

  it('no passphrase source and no terminal: exit 1, a clear error, nothing written', async () => {
    const s = scratch();
    const f = s.write('vars.yml', CLEAR);
    const r = await tsplay(['vault', 'encrypt', f], {});
    assert.equal(r.code, 1);
    assert.match(
      r.err,
      /^error: .*vars\.yml: needs the vault passphrase and there is no terminal to ask it on: pass --vault-password-file FILE or set TSPLAY_VAULT_PASSWORD\n$/,
    );
    assert.equal(readFileSync(f, 'utf8'), CLEAR);
  });

  it('edit killed (SIGTERM) while the editor runs: the temp dir is removed, the file unchanged', async () => {
    const s = scratch();
    const f = s.write('vars.yml', CLEAR);
    await tsplay(['vault', 'encrypt', f], env);
    const sealed = readFileSync(f, 'utf8');
    const editor = s.write('editor.sh', `#!/bin/sh\necho "$1" > "${s.dir}/seen"\necho changed >> "$1"\nexec sleep 30\n`, 0o755);
    const r = await tsplay(['vault', 'edit', f], { ...env, EDITOR: editor }, (pid) => {
      const poll = setInterval(() => {
        if (!existsSync(`${s.dir}/seen`)) return;
        clearInterval(poll);
        process.kill(pid, 'SIGTERM');
      }, 50);
    });
    assert.equal(r.code, 143, r.err);
    assert.ok(!existsSync(dirname(readFileSync(`${s.dir}/seen`, 'utf8').trim())), 'the temp dir is gone');
    assert.equal(readFileSync(f, 'utf8'), sealed);
  });

  it('`age -d` decrypts what tsplay encrypted, and tsplay what `age -p -a` encrypted', async function () {
    if (!haveAge) this.skip();
    const s = scratch();
    const f = s.write('vars.yml', CLEAR);
    await tsplay(['vault', 'encrypt', f], env);
    const d = age(['-d', f], PASS);
    assert.equal(d.status, 0, d.out);
    assert.match(d.out, /db_password: "cli s3cret value"\r?\nport: 8181/);
    const clear = s.write('by-age.yml', 'from: age itself\n');
    const e = age(['-p', '-a', '-o', `${clear}.age`, clear], PASS);
    assert.equal(e.status, 0, e.out);
    const view = await tsplay(['vault', 'view', `${clear}.age`], env);
    assert.deepEqual([view.code, view.out], [0, 'from: age itself\n']);
  });
});
