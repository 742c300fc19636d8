/**
 * The vault passphrase, from the first source that has one: --vault-password-file FILE, the environment
 * variable TSPLAY_VAULT_PASSWORD, else asked on the terminal (the caller passes `ask` only when there is one).
 * The passphrase is remembered as a secret: it is masked wherever it would be printed.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import { remember } from '../core/secret.js';

export const PASSWORD_ENV = 'TSPLAY_VAULT_PASSWORD';

export interface PassphraseSources {
  /** --vault-password-file: its content, trailing newlines left out. */
  readonly file?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  /** Ask on the terminal without echo; absent when there is no terminal. */
  readonly ask?: ((prompt: string) => Promise<string>) | undefined;
  /** A new passphrase (encrypt): asked twice, the two must match. */
  readonly confirm?: boolean;
  /** What needs it, for the prompt and the errors ("vault-vars.yml", "-e @vault.yml"). */
  readonly forWhat: string;
}

export async function vaultPassphrase({ file, env = process.env, ask, confirm = false, forWhat }: PassphraseSources): Promise<string> {
  const pass = file !== undefined ? fromFile(file) : env[PASSWORD_ENV] || (await asked({ ask, confirm, forWhat }));
  remember(pass);
  return pass;
}

function fromFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read the passphrase: ${(e as Error).message}`, '--vault-password-file', { cause: e });
  }
  const pass = text.replace(/(?:\r?\n)+$/, '');
  if (!pass) throw new ConfigError(`${file} is empty: it must hold the vault passphrase`, '--vault-password-file');
  return pass;
}

async function asked({ ask, confirm, forWhat }: { ask: PassphraseSources['ask']; confirm: boolean; forWhat: string }): Promise<string> {
  if (!ask) {
    throw new ConfigError(`needs the vault passphrase and there is no terminal to ask it on: pass --vault-password-file FILE or set ${PASSWORD_ENV}`, forWhat);
  }
  const pass = await ask(`Vault passphrase for ${forWhat}: `);
  if (!pass) throw new ConfigError('an empty passphrase: nothing done', forWhat);
  if (confirm && (await ask('Again, to confirm: ')) !== pass) throw new ConfigError('the two passphrases differ: nothing done', forWhat);
  return pass;
}
