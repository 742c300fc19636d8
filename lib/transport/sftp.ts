/**
 * SFTP upload: streamed from a local file or from bytes, created 0600 so no one reads it half-written. A
 * failed upload removes what it wrote, over the same SFTP session (no command channel needed).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SFTPWrapper } from 'ssh2';

export async function sftpUpload(sftp: SFTPWrapper, remote: string, from: Uint8Array | { readonly localPath: string }): Promise<void> {
  try {
    await send(sftp, remote, from);
  } catch (e) {
    // Bounded: on a dead connection the reply may never come (the next run's sweep removes it then).
    await new Promise<void>((resolve) => {
      sftp.unlink(remote, () => resolve());
      setTimeout(resolve, 2000).unref();
    });
    throw e;
  }
}

async function send(sftp: SFTPWrapper, remote: string, from: Uint8Array | { readonly localPath: string }): Promise<void> {
  if (from instanceof Uint8Array) {
    await pipeline(Readable.from([Buffer.from(from)]), sftp.createWriteStream(remote, { mode: 0o600 }));
    return;
  }
  // fastPut reads the file in chunks with several writes in flight: large files never sit in memory.
  await new Promise<void>((resolve, reject) => sftp.fastPut(from.localPath, remote, { mode: 0o600 }, (err) => (err ? reject(err) : resolve())));
}
