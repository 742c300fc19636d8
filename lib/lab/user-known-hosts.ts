/** Keep the lab's host keys in ~/.ssh/known_hosts too, so plain `ssh` and `tsplay run` trust lab hosts. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { mergeKnownHosts } from './keys.js';
import { labHosts, MAX_HOSTS } from './network.js';

const userFile = () => join(homedir(), '.ssh/known_hosts');

/** Replace every lab-address line in ~/.ssh/known_hosts with `labLines` (empty to remove them). */
export async function updateUserKnownHosts(labLines: string, file = userFile()): Promise<void> {
  const existing = await readFile(file, 'utf8').catch(() => '');
  const next = mergeKnownHosts(
    existing,
    labHosts(MAX_HOSTS).map((h) => h.address),
    labLines,
  );
  if (next === existing) return;
  await mkdir(join(file, '..'), { recursive: true, mode: 0o700 });
  await writeFile(file, next, { mode: 0o600 });
}
