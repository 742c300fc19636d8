/** Scratch files for the vault tests, and a stream that keeps what is written to it. */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

/** A low scrypt work factor: the tests stay fast (a real file uses 18). */
export const FAST = 10;

export function scratch(prefix = 'tsplay-vault-test-'): {
  dir: string;
  write: (name: string, text: string | Uint8Array, mode?: number) => string;
  entries: () => string[];
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write: (name, text, mode = 0o644) => {
      const p = join(dir, name);
      writeFileSync(p, text, { mode });
      return p;
    },
    entries: () => readdirSync(dir).sort(),
  };
}

export class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}
