/**
 * The controller-side files SSH needs: each host's private key and the known_hosts file. Checked for every
 * host before any host is touched (a missing key must not surface on host 7 after hosts 1-6 changed), and
 * read through the same functions when connecting, so both say the same thing.
 */
import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import ssh2 from 'ssh2';

const { utils } = ssh2; // ssh2 is CommonJS: no named exports under ESM

export type KeyFile = { readonly ok: true; readonly pem: string } | { readonly ok: false; readonly problem: string };

/** A private key tsplay can log in with, or why not (missing, unreadable, a public key, encrypted, not a key). */
export async function loadPrivateKey(path: string): Promise<KeyFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return { ok: false, problem: fileProblem(e) };
  }
  const parsed = utils.parseKey(text);
  if (parsed instanceof Error) {
    if (/encrypted/i.test(parsed.message))
      return {
        ok: false,
        problem:
          'is encrypted with a passphrase, which tsplay cannot ask for: load it into ssh-agent (ssh-add) and leave `key` out for this host, or use a key without a passphrase',
      };
    return { ok: false, problem: `is not a private key tsplay can read (${parsed.message}); expected an OpenSSH or PEM private key such as ~/.ssh/id_ed25519` };
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key?.isPrivateKey()) return { ok: false, problem: 'holds a public key, not a private one (the private key is the file without .pub)' };
  return { ok: true, pem: text };
}

/** Why known_hosts cannot serve a run, or undefined: it must be a readable file, and writable when new keys are trusted. */
export async function knownHostsProblem(path: string, trustNew: boolean): Promise<string | undefined> {
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => e);
  if (st instanceof Error) {
    if (!missing(st)) return fileProblem(st);
    // Missing is fine: every host is then unknown, and with trust the file is created on first use.
    return trustNew ? creatable(path) : undefined;
  }
  if (!st.isFile()) return `is a ${st.isDirectory() ? 'directory' : 'special file'}, not a known_hosts file`;
  if (!(await allowed(path, constants.R_OK))) return 'cannot be read (permission denied)';
  if (trustNew && !(await allowed(path, constants.W_OK))) return 'cannot be written, and --trust-new-host-keys records new keys there (permission denied)';
  return undefined;
}

/** The text of known_hosts; a file that does not exist is empty, any other failure is thrown. */
export async function readKnownHosts(path: string): Promise<string> {
  return readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (missing(e)) return '';
    throw e;
  });
}

const missing = (e: NodeJS.ErrnoException) => e.code === 'ENOENT' || e.code === 'ENOTDIR';
const allowed = (path: string, mode: number) =>
  access(path, mode).then(
    () => true,
    () => false,
  );

/** The nearest existing ancestor directory must let us create the missing parts. */
async function creatable(path: string): Promise<string | undefined> {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const st = await stat(dir).catch(() => undefined);
    if (st) {
      if (!st.isDirectory()) return `cannot be created: ${dir} is not a directory`;
      return (await allowed(dir, constants.W_OK | constants.X_OK)) ? undefined : `cannot be created: ${dir} is not writable`;
    }
    if (dirname(dir) === dir) return `cannot be created: ${dir} does not exist`;
  }
}

function fileProblem(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'ENOTDIR':
      return 'does not exist (a part of its path is not a directory)';
    default:
      return `cannot be read: ${err.message}`;
  }
}
