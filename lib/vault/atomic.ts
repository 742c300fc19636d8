/**
 * Replace a file in one step: write a 0600 temp file beside it, fsync, give it the mode the file had, rename.
 * A reader sees the old content or the new, never half; on any failure the temp file is removed.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeAtomic({ file, data }: { file: string; data: Uint8Array | string }): void {
  const mode = statSync(file).mode & 0o7777;
  const temp = join(dirname(file), `.${basename(file)}.tsplay-vault-${randomBytes(6).toString('hex')}`);
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fsyncSync(fd);
      fchmodSync(fd, mode);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
