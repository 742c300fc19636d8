/**
 * `tsplay vault encrypt|decrypt|edit|view FILE`: a vars file encrypted with a passphrase in the age format
 * (ASCII armor), which `age -d` reads too. Files are replaced atomically and keep their mode; a wrong
 * passphrase changes nothing. `edit` decrypts into a private temp dir that is removed whatever happens.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { writeAtomic } from '../vault/atomic.js';
import { decrypt, encrypt } from '../vault/crypt.js';
import { isEncrypted } from '../vault/format.js';
import { vaultPassphrase } from '../vault/passphrase.js';
import { askPassword } from './ask-password.js';

export const VAULT_ACTIONS = ['encrypt', 'decrypt', 'edit', 'view'] as const;
export type VaultAction = (typeof VAULT_ACTIONS)[number];

export interface VaultFlags {
  vaultPasswordFile?: string;
}

export interface VaultIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** Ask for the passphrase without echo; absent when there is no terminal. */
  readonly ask?: ((prompt: string) => Promise<string>) | undefined;
  /** scrypt work factor of what is encrypted (tests lower it). */
  readonly workFactor?: number;
}

const processIO = (): VaultIO => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  ask: process.stdin.isTTY ? (prompt) => askPassword(prompt) : undefined,
});

export async function vaultCommand({
  action,
  file,
  flags,
  io = processIO(),
}: {
  action: VaultAction;
  file: string;
  flags: VaultFlags;
  io?: VaultIO;
}): Promise<void> {
  const data = readFile(file);
  const encrypted = isEncrypted(data);
  if (action === 'encrypt' && encrypted) throw new ConfigError('is already encrypted (age): nothing done (`tsplay vault edit` changes it)', file);
  if (action !== 'encrypt' && !encrypted) throw new ConfigError(`is not encrypted (no age header): nothing to ${action}`, file);
  const passphrase = await vaultPassphrase({ file: flags.vaultPasswordFile, env: io.env, ask: io.ask, confirm: action === 'encrypt', forWhat: file });
  const seal = async (clear: Uint8Array) =>
    writeAtomic({ file, data: await encrypt({ data: clear, passphrase, ...(io.workFactor ? { workFactor: io.workFactor } : {}) }) });
  if (action === 'encrypt') {
    await seal(data);
    io.stderr.write(`${file}: encrypted\n`);
    return;
  }
  const clear = await decrypt({ data, passphrase, shownAs: file });
  if (action === 'view') {
    io.stdout.write(Buffer.from(clear));
  } else if (action === 'decrypt') {
    writeAtomic({ file, data: clear });
    io.stderr.write(`warning: ${file} is now in clear text: \`tsplay vault encrypt ${file}\` before committing it\n`);
  } else {
    const edited = await editInTemp({ file, clear, env: io.env });
    if (edited === undefined) io.stderr.write(`${file}: unchanged\n`);
    else {
      await seal(edited);
      io.stderr.write(`${file}: saved, encrypted\n`);
    }
  }
}

function readFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new ConfigError(`cannot read: ${(e as Error).message}`, file, { cause: e });
  }
}

/**
 * Run $EDITOR (default vi) on the clear text, in a 0600 file of a private 0700 temp dir, removed on return, on
 * an error and on SIGTERM/SIGHUP (SIGINT and SIGQUIT are the editor's, as git does). The new text, or
 * undefined when it is unchanged.
 */
async function editInTemp({ file, clear, env }: { file: string; clear: Uint8Array; env: NodeJS.ProcessEnv }): Promise<Uint8Array | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-vault-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const ignore = () => {};
  let editor: ReturnType<typeof spawn> | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    editor?.kill(sig);
    cleanup();
    process.exit(128 + constants.signals[sig]);
  };
  const handlers = { SIGTERM: onSignal, SIGHUP: onSignal, SIGINT: ignore, SIGQUIT: ignore } as const;
  for (const [sig, fn] of Object.entries(handlers)) process.on(sig, fn);
  process.on('exit', cleanup);
  try {
    const temp = join(dir, basename(file)); // the same name: the editor picks its syntax by the extension
    writeFileSync(temp, clear, { mode: 0o600, flag: 'wx' });
    const command = env['EDITOR'] || 'vi';
    // `exec`: the editor is the child itself, so that a signal sent to it reaches it and not a shell above it.
    editor = spawn('/bin/sh', ['-c', `exec ${command} "$@"`, command, temp], { stdio: 'inherit', env });
    const code = await new Promise<number | null>((resolve, reject) => editor!.on('error', reject).on('exit', (c) => resolve(c)));
    if (code !== 0) throw new ConfigError(`the editor (${command}) exited with ${code === null ? 'a signal' : `code ${code}`}: nothing saved`, file);
    const edited = readFileSync(temp);
    return Buffer.compare(edited, clear) === 0 ? undefined : edited;
  } finally {
    for (const [sig, fn] of Object.entries(handlers)) process.off(sig, fn);
    process.off('exit', cleanup);
    cleanup();
  }
}
