/** Where the vault passphrase comes from, in order: --vault-password-file, TSPLAY_VAULT_PASSWORD, the terminal. */
import assert from 'node:assert/strict';
import { redact } from '../../lib/core/secret.js';
import { vaultPassphrase } from '../../lib/vault/passphrase.js';
import { scratch } from './helpers.js';

const never = async (): Promise<string> => assert.fail('must not ask');

describe('vault: passphrase sources', () => {
  const s = scratch();

  it('the file first (trailing newlines left out), then the environment, then the terminal', async () => {
    const file = s.write('pass', 'from the file 1\r\n\n');
    const env = { TSPLAY_VAULT_PASSWORD: 'from the env 1' };
    assert.equal(await vaultPassphrase({ file, env, ask: never, forWhat: 'v.yml' }), 'from the file 1');
    assert.equal(await vaultPassphrase({ env, ask: never, forWhat: 'v.yml' }), 'from the env 1');
    const prompts: string[] = [];
    const ask = async (p: string) => (prompts.push(p), 'typed at the terminal 1');
    assert.equal(await vaultPassphrase({ env: {}, ask, forWhat: 'v.yml' }), 'typed at the terminal 1');
    assert.equal(await vaultPassphrase({ env: { TSPLAY_VAULT_PASSWORD: '' }, ask, forWhat: 'v.yml' }), 'typed at the terminal 1');
    assert.deepEqual(prompts, ['Vault passphrase for v.yml: ', 'Vault passphrase for v.yml: ']);
  });

  it('the passphrase is a secret from then on: masked in any output', async () => {
    await vaultPassphrase({ env: { TSPLAY_VAULT_PASSWORD: 'masked vault passphrase 1' }, forWhat: 'v.yml' });
    assert.equal(redact('it was masked vault passphrase 1!'), 'it was [secret]!');
  });

  it('a new passphrase (encrypt) asked on the terminal is asked twice; a mismatch or an empty one does nothing', async () => {
    const answers =
      (...a: string[]) =>
      async () =>
        a.shift()!;
    assert.equal(await vaultPassphrase({ env: {}, ask: answers('new one', 'new one'), confirm: true, forWhat: 'v.yml' }), 'new one');
    await assert.rejects(
      vaultPassphrase({ env: {}, ask: answers('new one', 'typo'), confirm: true, forWhat: 'v.yml' }),
      /^ConfigError: v\.yml: the two passphrases differ: nothing done/,
    );
    await assert.rejects(vaultPassphrase({ env: {}, ask: answers(''), forWhat: 'v.yml' }), /v\.yml: an empty passphrase/);
  });

  it('no file, no environment and no terminal: an error saying where a passphrase can come from', async () => {
    await assert.rejects(vaultPassphrase({ env: {}, forWhat: '-e @vault.yml' }), {
      name: 'ConfigError',
      message: '-e @vault.yml: needs the vault passphrase and there is no terminal to ask it on: pass --vault-password-file FILE or set TSPLAY_VAULT_PASSWORD',
    });
  });

  it('a password file that is missing or empty is an error naming it (no fallback to the environment)', async () => {
    const env = { TSPLAY_VAULT_PASSWORD: 'not used' };
    await assert.rejects(
      vaultPassphrase({ file: `${s.dir}/none`, env, forWhat: 'v.yml' }),
      /^ConfigError: --vault-password-file: cannot read the passphrase: ENOENT/,
    );
    await assert.rejects(vaultPassphrase({ file: s.write('empty', '\n'), env, forWhat: 'v.yml' }), /--vault-password-file: .*empty is empty/);
  });
});
