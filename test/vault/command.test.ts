/** `tsplay vault encrypt|decrypt|edit|view FILE`, driven in-process: what each writes, and what a failure leaves untouched. */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { type VaultAction, type VaultFlags, vaultCommand } from '../../lib/cli/vault-cmd.js';
import { ARMOR_BEGIN } from '../../lib/vault/format.js';
import { FAST, Sink, scratch } from './helpers.js';

const PASS = 'vault command passphrase 1';
const CLEAR = 'db_password: "command test s3cret"\nport: 8181\n';

function io(env: NodeJS.ProcessEnv = { TSPLAY_VAULT_PASSWORD: PASS }) {
  return { stdout: new Sink(), stderr: new Sink(), env, workFactor: FAST };
}
const vault = async (action: VaultAction, file: string, { env, flags = {} }: { env?: NodeJS.ProcessEnv; flags?: VaultFlags } = {}) => {
  const x = io(env);
  await vaultCommand({ action, file, flags, io: x });
  return { out: x.stdout.text, err: x.stderr.text };
};

describe('tsplay vault (in-process)', () => {
  it('encrypt, view, decrypt: a round trip; the mode is kept and no temp file is left', async () => {
    const s = scratch();
    const f = s.write('vars.yml', CLEAR, 0o640);
    assert.equal((await vault('encrypt', f)).err, `${f}: encrypted\n`);
    const sealed = readFileSync(f, 'utf8');
    assert.ok(sealed.startsWith(ARMOR_BEGIN));
    assert.doesNotMatch(sealed, /s3cret/);
    assert.equal(statSync(f).mode & 0o777, 0o640);
    assert.equal((await vault('view', f)).out, CLEAR);
    assert.equal(readFileSync(f, 'utf8'), sealed, 'view writes nothing');
    const { err } = await vault('decrypt', f);
    assert.match(err, /^warning: .*vars\.yml is now in clear text: `tsplay vault encrypt .*vars\.yml` before committing it\n$/);
    assert.equal(readFileSync(f, 'utf8'), CLEAR);
    assert.equal(statSync(f).mode & 0o777, 0o640);
    assert.deepEqual(s.entries(), ['vars.yml']);
  });

  it('encrypt refuses a file already encrypted; decrypt, view and edit refuse a clear one: nothing written', async () => {
    const s = scratch();
    const f = s.write('vars.yml', CLEAR);
    await vault('encrypt', f);
    const sealed = readFileSync(f, 'utf8');
    await assert.rejects(vault('encrypt', f), {
      name: 'ConfigError',
      message: `${f}: is already encrypted (age): nothing done (\`tsplay vault edit\` changes it)`,
    });
    assert.equal(readFileSync(f, 'utf8'), sealed);
    const clear = s.write('clear.yml', CLEAR);
    for (const action of ['decrypt', 'view', 'edit'] as const) {
      await assert.rejects(vault(action, clear), { message: `${clear}: is not encrypted (no age header): nothing to ${action}` });
    }
    assert.equal(readFileSync(clear, 'utf8'), CLEAR);
    assert.deepEqual(s.entries(), ['clear.yml', 'vars.yml']);
  });

  it('a wrong passphrase: an error naming the file, nothing written, nothing printed', async () => {
    const s = scratch();
    const f = s.write('vars.yml', CLEAR);
    await vault('encrypt', f);
    const sealed = readFileSync(f, 'utf8');
    const wrong = { env: { TSPLAY_VAULT_PASSWORD: 'not the vault passphrase' } };
    for (const action of ['decrypt', 'view', 'edit'] as const) {
      await assert.rejects(vault(action, f, wrong), { name: 'ConfigError', message: new RegExp(`^${f}: wrong passphrase: it does not decrypt this file`) });
    }
    assert.equal(readFileSync(f, 'utf8'), sealed);
    assert.deepEqual(s.entries(), ['vars.yml']);
  });

  it('--vault-password-file wins over the environment; a missing file to work on names itself', async () => {
    const s = scratch();
    const f = s.write('vars.yml', CLEAR);
    const passFile = s.write('pass.txt', 'from a password file 1\n', 0o600);
    await vault('encrypt', f, { flags: { vaultPasswordFile: passFile } });
    assert.equal((await vault('view', f, { env: {}, flags: { vaultPasswordFile: passFile } })).out, CLEAR);
    await assert.rejects(vault('view', f), /wrong passphrase/);
    await assert.rejects(vault('view', `${s.dir}/none.yml`), new RegExp(`^ConfigError: ${s.dir}/none\\.yml: cannot read: ENOENT`));
  });

  it('no passphrase source and no terminal: a clear error, the file untouched', async () => {
    const s = scratch();
    const f = s.write('vars.yml', CLEAR);
    await assert.rejects(
      vault('encrypt', f, { env: {} }),
      /needs the vault passphrase and there is no terminal to ask it on: pass --vault-password-file FILE or set TSPLAY_VAULT_PASSWORD/,
    );
    assert.equal(readFileSync(f, 'utf8'), CLEAR);
  });

  describe('edit', () => {
    /** An $EDITOR that records the file it was given, its last argument, as $f (path, mode, its dir's mode), then runs `then`. */
    const editor = (s: ReturnType<typeof scratch>, then: string) => {
      const script = s.write(
        'editor.sh',
        `#!/bin/sh\nfor f; do :; done\necho "$f" > "${s.dir}/seen"\nstat -c %a "$f" "$(dirname "$f")" >> "${s.dir}/seen"\n${then}\n`,
        0o755,
      );
      return script;
    };
    const seen = (s: ReturnType<typeof scratch>) => {
      const [path, fileMode, dirMode] = readFileSync(`${s.dir}/seen`, 'utf8').trim().split('\n');
      return { path: path!, fileMode, dirMode };
    };

    it('decrypts to a 0600 file in a 0700 temp dir, re-encrypts what the editor saved, removes the temp dir', async () => {
      const s = scratch();
      const f = s.write('vars.yml', CLEAR, 0o640);
      await vault('encrypt', f);
      const env = { TSPLAY_VAULT_PASSWORD: PASS, EDITOR: editor(s, 'echo "added: by the editor" >> "$f"') };
      assert.equal((await vault('edit', f, { env })).err, `${f}: saved, encrypted\n`);
      const at = seen(s);
      assert.equal(at.fileMode, '600');
      assert.equal(at.dirMode, '700');
      assert.match(at.path, /\/vars\.yml$/, 'the same name, for the editor to pick its syntax');
      assert.ok(!existsSync(dirname(at.path)), 'the temp dir is gone');
      assert.match(readFileSync(f, 'utf8'), new RegExp(`^${ARMOR_BEGIN}`));
      assert.equal(statSync(f).mode & 0o777, 0o640);
      assert.equal((await vault('view', f)).out, `${CLEAR}added: by the editor\n`);
    });

    it('an unchanged file is not encrypted again (the bytes stay, no diff in git)', async () => {
      const s = scratch();
      const f = s.write('vars.yml', CLEAR);
      await vault('encrypt', f);
      const sealed = readFileSync(f, 'utf8');
      const { err } = await vault('edit', f, { env: { TSPLAY_VAULT_PASSWORD: PASS, EDITOR: editor(s, 'true') } });
      assert.equal(err, `${f}: unchanged\n`);
      assert.equal(readFileSync(f, 'utf8'), sealed);
      assert.ok(!existsSync(dirname(seen(s).path)));
    });

    it('an editor that fails: nothing saved, the temp dir removed; $EDITOR may carry arguments', async () => {
      const s = scratch();
      const f = s.write('vars.yml', CLEAR);
      await vault('encrypt', f);
      const sealed = readFileSync(f, 'utf8');
      const script = editor(s, 'echo changed >> "$f"; exit 3');
      await assert.rejects(vault('edit', f, { env: { TSPLAY_VAULT_PASSWORD: PASS, EDITOR: `${script} --some-flag` } }), {
        message: new RegExp(`^${f}: the editor \\(.*editor\\.sh --some-flag\\) exited with code 3: nothing saved$`),
      });
      assert.equal(readFileSync(f, 'utf8'), sealed);
      assert.ok(!existsSync(dirname(seen(s).path)));
    });

    it('a file the editor cannot be started for: an error, the temp dir removed', async () => {
      const s = scratch();
      const f = s.write('vars.yml', CLEAR);
      await vault('encrypt', f);
      const script = editor(s, 'true');
      chmodSync(script, 0o644); // not executable: sh says so, exit 126
      await assert.rejects(vault('edit', f, { env: { TSPLAY_VAULT_PASSWORD: PASS, EDITOR: script } }), /exited with code 126: nothing saved/);
      assert.deepEqual(s.entries(), ['editor.sh', 'vars.yml']);
    });
  });
});
