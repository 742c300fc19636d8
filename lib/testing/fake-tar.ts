/** A minimal tar reader (ustar, optionally gzipped) so the fake host can run `extract` in memory. */
import { gunzipSync } from 'node:zlib';

const str = (b: Uint8Array, at: number, len: number) =>
  Buffer.from(b.subarray(at, at + len))
    .toString('utf8')
    .replace(/\0.*$/s, '');

/** Regular files of the archive by member name (leading `./` dropped). */
export function readTar(archive: Uint8Array): Map<string, Uint8Array> {
  const b = archive[0] === 0x1f && archive[1] === 0x8b ? gunzipSync(archive) : archive;
  const out = new Map<string, Uint8Array>();
  let longName: string | undefined;
  for (let at = 0; at + 512 <= b.length; ) {
    const name = str(b, at, 100);
    if (!name) break;
    const size = parseInt(str(b, at + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(b[at + 156] ?? 0);
    const prefix = str(b, at + 345, 155);
    const body = b.subarray(at + 512, at + 512 + size);
    if (type === 'L') longName = str(body, 0, size);
    else {
      const full = longName ?? (prefix ? `${prefix}/${name}` : name);
      if (type === '0' || type === '\0') out.set(full.replace(/^\.\//, ''), body);
      longName = undefined;
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}
