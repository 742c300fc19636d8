/**
 * The controller-side artifact cache: fetch a URL once (file://, http(s)://, or nothing when the cache is
 * pre-filled for air-gapped runs), verify its checksum (sha256 or sha512), and extract chosen files of an
 * archive. Keyed by the digest, so a version bump is a new entry and an entry is never trusted without it matching.
 * Its own layer because it does I/O on the controller (HTTP and tar): resources only ask it for files.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ConfigError } from '../core/errors.js';

/** TSPLAY_CACHE, else ~/.cache/tsplay/artifacts. */
export const defaultCacheDir = (): string => process.env['TSPLAY_CACHE'] ?? join(homedir(), '.cache', 'tsplay', 'artifacts');

/** How a download is verified: the algorithm its publisher uses (Kubernetes publishes sha512) and the digest. */
export interface Checksum {
  readonly algorithm: 'sha256' | 'sha512';
  readonly hex: string;
}

const DIGITS = { sha256: 64, sha512: 128 } as const;

export async function hashFile(path: string, algorithm: Checksum['algorithm']): Promise<string> {
  const h = createHash(algorithm);
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}

export const sha256File = (path: string): Promise<string> => hashFile(path, 'sha256');

const exists = (p: string) => stat(p).then(() => true, () => false);

async function download(url: string, to: string): Promise<void> {
  const u = new URL(url);
  if (u.protocol === 'file:') return pipeline(createReadStream(fileURLToPath(u)), createWriteStream(to));
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigError(`unsupported URL scheme ${u.protocol} (use file:, http: or https:)`, `artifact ${url}`);
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new ConfigError(`download failed: HTTP ${res.status} ${res.statusText}`, `artifact ${url}`);
  return pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(to));
}

/** Fetch (unless cached) and verify; a mismatch removes the bad file and says both digests. */
async function fetchVerified(url: string, sum: Checksum, dir: string): Promise<string> {
  const entry = join(dir, sum.hex);
  const path = join(entry, basename(new URL(url).pathname) || 'artifact');
  if ((await exists(path)) && (await hashFile(path, sum.algorithm)) === sum.hex) return path;
  await mkdir(entry, { recursive: true });
  const part = `${path}.part-${randomBytes(4).toString('hex')}`;
  try {
    await download(url, part);
  } catch (e) {
    await rm(part, { force: true });
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`cannot fetch: ${(e as Error).message}`, `artifact ${url}`, { cause: e });
  }
  const got = await hashFile(part, sum.algorithm);
  if (got !== sum.hex) {
    await rm(part, { force: true });
    throw new ConfigError(`${sum.algorithm} mismatch: expected ${sum.hex}, got ${got} (the download was removed)`, `artifact ${url}`);
  }
  await rename(part, path);
  return path;
}

export interface CachedFile { readonly member: string; readonly localPath: string; readonly sha256: string }

/** Extract `members` of the archive next to it (tar reads gzip/xz/bzip2 itself) and hash each one. */
async function extractMembers(archive: string, members: readonly string[], url: string): Promise<CachedFile[]> {
  const dir = `${archive}.d`;
  await mkdir(dir, { recursive: true });
  try {
    await promisify(execFile)('tar', ['-xf', archive, '-C', dir, '--', ...members]);
  } catch (e) {
    throw new ConfigError(`cannot extract ${members.join(', ')}: ${(e as { stderr?: string }).stderr?.trim() || (e as Error).message}`, `artifact ${url}`, { cause: e });
  }
  return Promise.all(members.map(async (member) => ({ member, localPath: join(dir, member), sha256: await sha256File(join(dir, member)) })));
}

/** One fetch (and extraction) per cache entry per process, however many hosts' resources ask for it. */
const inflight = new Map<string, Promise<CachedFile[]>>();

/** The cached artifact (when `members` is undefined) or its extracted members, verified. */
export function prepareArtifact(url: string, sum: Checksum, members: readonly string[] | undefined, dir = defaultCacheDir()): Promise<CachedFile[]> {
  if (!new RegExp(`^[0-9a-f]{${DIGITS[sum.algorithm]}}$`).test(sum.hex)) {
    return Promise.reject(new ConfigError(`${sum.algorithm} must be ${DIGITS[sum.algorithm]} lowercase hex digits, got ${JSON.stringify(sum.hex)}`, `artifact ${url}`));
  }
  const key = JSON.stringify([url, sum, members, dir]);
  let p = inflight.get(key);
  if (!p) {
    p = fetchVerified(url, sum, dir).then(async (path) => (members ? extractMembers(path, members, url)
      : [{ member: basename(path), localPath: path, sha256: sum.algorithm === 'sha256' ? sum.hex : await sha256File(path) }]));
    p.catch(() => inflight.delete(key));
    inflight.set(key, p);
  }
  return p;
}
