/**
 * Keys: the lab's client key pair for root logins, and each host's ed25519 host key, made before the host
 * boots so that the lab's known_hosts vouches for every host from its first connection.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hostField } from '../transport/known-hosts.js';
import type { HostSpec } from './network.js';
import { run } from './run.js';

/** The client key pair (kept across `lab up`s); returns the public key line. */
export async function ensureClientKey(path: string): Promise<string> {
  if (!existsSync(path) || !existsSync(`${path}.pub`)) {
    await mkdir(dirname(path), { recursive: true });
    await rm(path, { force: true });
    await rm(`${path}.pub`, { force: true });
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'tsplay-lab', '-f', path]);
  }
  return (await readFile(`${path}.pub`, 'utf8')).trim();
}

/** Write a fresh host key into a host's root (under `etcDir` = its /etc) and return `type base64`. */
export async function makeHostKey(etcDir: string, name: string): Promise<string> {
  const key = join(etcDir, 'ssh/ssh_host_ed25519_key');
  await mkdir(dirname(key), { recursive: true });
  await rm(key, { force: true });
  await rm(`${key}.pub`, { force: true });
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${name}`, '-f', key]);
  const [type, blob] = (await readFile(`${key}.pub`, 'utf8')).trim().split(/\s+/);
  return `${type} ${blob}`;
}

/** Let the client key log in as root. */
export async function authorize(rootHome: string, publicKey: string): Promise<void> {
  await mkdir(join(rootHome, '.ssh'), { recursive: true, mode: 0o700 });
  await chmod(join(rootHome, '.ssh'), 0o700);
  await writeFile(join(rootHome, '.ssh/authorized_keys'), `${publicKey}\n`, { mode: 0o600 });
}

/** known_hosts lines for the lab: each host under its address and its name. */
export function knownHostsText(hosts: readonly (HostSpec & { readonly hostKey: string })[]): string {
  return hosts.map((h) => `${hostField(h.address, 22)},${h.name} ${h.hostKey}\n`).join('');
}

/** Replace the lab's lines in another known_hosts file (e.g. ~/.ssh/known_hosts) without touching others. */
export function mergeKnownHosts(existing: string, labAddresses: readonly string[], labLines: string): string {
  const lab = new Set(labAddresses);
  const kept = existing.split('\n').filter((l) => l.trim() !== '' && !(l.split(/\s+/)[0] ?? '').split(',').some((h) => lab.has(h)));
  return [...kept.map((l) => `${l}\n`), labLines].join('');
}
