/**
 * The pki directory on the controller: the only filesystem the catalogue touches. Reads tell "absent" from
 * "unreadable"; writes are atomic (temp file in the same directory, fsync'd, then rename) so a crash never
 * leaves half a key, and modes are set at creation (keys 0600) rather than fixed up afterwards.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';

export const KEY_MODE = 0o600;
export const CERT_MODE = 0o644;

/** The file's text, or undefined when it does not exist. Other errors (permissions) propagate. */
export async function readText(dir: string, file: string): Promise<string | undefined> {
  try {
    return await readFile(join(dir, file), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Write `content` to dir/file atomically with `mode`. */
export async function writeAtomic(dir: string, file: string, content: string, mode: number): Promise<void> {
  const path = join(dir, file);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(content);
    await fh.sync();
    // open()'s mode is filtered by the umask; chmod makes it exact.
    await fh.chmod(mode);
  } catch (e) {
    await fh.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await rename(tmp, path);
}
