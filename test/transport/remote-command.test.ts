import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finishPutScript, quote, readFileScript, sudoCommand, sudoMode, tempBeside } from '../../lib/transport/remote-command.js';
import { SUDO_PROMPT, SUDO_READY } from '../../lib/transport/sudo-dialogue.js';

const sh = (script: string) => execFileSync('sh', ['-c', script], { encoding: 'utf8' });

describe('remote commands', () => {
  it('quotes any string into one shell word', () => {
    for (const s of ['plain', "it's", 'a b', '$(rm -rf /)', '"; echo x', '', 'tab\there', 'new\nline']) assert.equal(sh(`printf %s ${quote(s)}`), s);
  });

  it('uses sudo only when asked and not root, and -S only when a password is needed', () => {
    assert.equal(sudoMode('root', true, true, true), 'none');
    assert.equal(sudoMode('deploy', false, true, true), 'none');
    assert.equal(sudoMode('deploy', true, false, false), 'nopasswd');
    assert.equal(sudoMode('deploy', true, true, false), 'nopasswd');
    assert.equal(sudoMode('deploy', true, true, true), 'password');
  });

  it('never puts the password on the command line: sudo asks with a marker prompt, the command announces itself', () => {
    const cmd = sudoCommand("echo 'hi'", 'password');
    assert.ok(cmd.startsWith(`sudo -S -k -p ${quote(SUDO_PROMPT)} -- sh -c `), cmd);
    assert.ok(!cmd.includes('hunter22'));
    // Past sudo, the wrapped command prints the ready marker on stderr, then runs as given.
    const past = cmd.replace(/^sudo .*? -- /, '');
    assert.equal(sh(`${past} 2>/dev/null`), 'hi\n');
    assert.equal(sh(`${past} 2>&1 >/dev/null`), `${SUDO_READY}\n`);
    assert.equal(sudoCommand('id', 'nopasswd'), 'sudo -n -- sh -c id');
    assert.equal(sudoCommand('id', 'none'), 'id');
  });

  it('puts the temp file beside the target', () => {
    assert.match(tempBeside('/etc/app/conf.yml'), /^\/etc\/app\/\.conf\.yml\.tsplay-[0-9a-f]{12}$/);
  });

  it('finishes a put: mode applied, old file replaced, temp gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-put-'));
    const dst = join(dir, 'it has spaces');
    writeFileSync(dst, 'old');
    const tmp = tempBeside(dst);
    writeFileSync(tmp, 'new');
    sh(finishPutScript(tmp, dst, { mode: 0o640 }, tmp));
    assert.equal(readFileSync(dst, 'utf8'), 'new');
    assert.equal(statSync(dst).mode & 0o777, 0o640);
    assert.equal(sh(`ls -A ${quote(dir)}`).trim(), 'it has spaces');
  });

  it('keeps the old mode when none is given, and copies an upload from elsewhere', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-put-'));
    const dst = join(dir, 'f');
    writeFileSync(dst, 'old', { mode: 0o600 });
    const up = join(mkdtempSync(join(tmpdir(), 'tsplay-up-')), 'upload');
    writeFileSync(up, 'new');
    sh(finishPutScript(up, dst, {}));
    assert.equal(statSync(dst).mode & 0o777, 0o600);
    assert.equal(readFileSync(dst, 'utf8'), 'new');
    assert.throws(() => statSync(up));
  });

  it('reads a file or exits 3 when it is missing', () => {
    assert.equal(sh(readFileScript('/etc/hostname')), readFileSync('/etc/hostname', 'utf8'));
    assert.throws(
      () => sh(readFileScript('/nonexistent/x')),
      (e: { status?: number }) => e.status === 3,
    );
  });
});
