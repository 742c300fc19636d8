/**
 * The controller-side artifact cache: fetch a URL once (file://, http(s)://, or nothing when the cache is
 * pre-filled for air-gapped runs), verify its checksum (sha256 or sha512), and extract chosen files of an
 * archive. Keyed by the digest, so a version bump is a new entry and an entry is never trusted without it matching.
 * Its own layer because it does I/O on the controller (HTTP and tar): resources only ask it for files.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
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

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

async function download(url: string, to: string): Promise<void> {
  const u = new URL(url);
  if (u.protocol === 'file:') return pipeline(createReadStream(fileURLToPath(u)), createWriteStream(to));
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new ConfigError(`unsupported URL scheme ${u.protocol} (use file:, http: or https:)`, `artifact ${url}`);
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new ConfigError(`download failed: HTTP ${res.status} ${res.statusText}`, `artifact ${url}`);
  return pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(to));
}

/** Where an artifact sits in the cache: under its digest, so another version or mirror is another entry. */
const cachedPath = (url: string, sum: Checksum, dir: string): string => join(dir, sum.hex, basename(new URL(url).pathname) || 'artifact');

/**
 * A file's size and mtime, as a stamp: a cached file whose stamp still matches was verified by an earlier
 * run and is not hashed again (a 350 MB server tarball costs about a second of sha512 on every run).
 */
const stampOf = async (path: string): Promise<string | undefined> =>
  stat(path).then(
    (s) => `${s.size} ${s.mtimeMs}`,
    () => undefined,
  );
const readStamp = (path: string): Promise<string | undefined> => readFile(path, 'utf8').catch(() => undefined);

/** Fetch (unless cached) and verify; a mismatch removes the bad file and says both digests. */
async function fetchVerified(url: string, sum: Checksum, dir: string): Promise<string> {
  const path = cachedPath(url, sum, dir);
  const entry = dirname(path);
  const now = await stampOf(path);
  if (now && (await readStamp(`${path}.verified`)) === now) return path;
  if (now && (await hashFile(path, sum.algorithm)) === sum.hex) {
    await writeStamp(`${path}.verified`, now);
    return path;
  }
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
  await writeStamp(`${path}.verified`, (await stampOf(path))!);
  return path;
}

async function writeStamp(path: string, text: string): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

export interface CachedFile {
  readonly member: string;
  readonly localPath: string;
  readonly sha256: string;
}

/**
 * A member extracted by an earlier run, with its sha256 in a stamp beside it (and the file's size and mtime,
 * so a changed file is extracted again). Extracting decompresses the whole archive each time (seconds for
 * the server tarball, once per binary asked for), so what was extracted stays, under the archive's digest.
 */
async function extracted(dir: string, member: string): Promise<CachedFile | undefined> {
  const localPath = join(dir, member);
  const [now, stamp] = await Promise.all([stampOf(localPath), readStamp(`${localPath}.sha256`)]);
  const [sha256, ...rest] = stamp?.split(' ') ?? [];
  return now && sha256 && rest.join(' ') === now ? { member, localPath, sha256 } : undefined;
}

/** Extract `members` of the archive next to it (tar reads gzip/xz/bzip2 itself) and hash each one; what an earlier run extracted is kept. */
async function extractMembers(archive: string, members: readonly string[], url: string): Promise<CachedFile[]> {
  const dir = `${archive}.d`;
  const have = await Promise.all(members.map((m) => extracted(dir, m)));
  const missing = members.filter((_, i) => !have[i]);
  if (missing.length === 0) return have as CachedFile[];
  await mkdir(dir, { recursive: true });
  // A scratch dir of its own: another run may be extracting the same archive at the same time.
  const scratch = await mkdtemp(join(dir, '.x-'));
  try {
    await promisify(execFile)('tar', ['-xf', archive, '-C', scratch, '--', ...missing]);
    const made = await Promise.all(
      missing.map(async (member) => {
        const localPath = join(dir, member);
        await mkdir(dirname(localPath), { recursive: true });
        await rename(join(scratch, member), localPath);
        const sha256 = await sha256File(localPath);
        await writeStamp(`${localPath}.sha256`, `${sha256} ${(await stampOf(localPath))!}`);
        return { member, localPath, sha256 };
      }),
    );
    return members.map((m, i) => have[i] ?? made.find((x) => x.member === m)!);
  } catch (e) {
    throw new ConfigError(`cannot extract ${missing.join(', ')}: ${(e as { stderr?: string }).stderr?.trim() || (e as Error).message}`, `artifact ${url}`, {
      cause: e,
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Every member, when an earlier run extracted them all (and the archive is still in the cache). */
async function extractedAll(archive: string, members: readonly string[]): Promise<CachedFile[] | undefined> {
  if (!(await exists(archive))) return undefined;
  const have = await Promise.all(members.map((m) => extracted(`${archive}.d`, m)));
  return have.every(Boolean) ? (have as CachedFile[]) : undefined;
}

/** One fetch (and extraction) per cache entry per process, however many hosts' resources ask for it. */
const inflight = new Map<string, Promise<CachedFile[]>>();

/** The cached artifact (when `members` is undefined) or its extracted members, verified. */
export function prepareArtifact(url: string, sum: Checksum, members: readonly string[] | undefined, dir = defaultCacheDir()): Promise<CachedFile[]> {
  if (!new RegExp(`^[0-9a-f]{${DIGITS[sum.algorithm]}}$`).test(sum.hex)) {
    return Promise.reject(
      new ConfigError(`${sum.algorithm} must be ${DIGITS[sum.algorithm]} lowercase hex digits, got ${JSON.stringify(sum.hex)}`, `artifact ${url}`),
    );
  }
  const key = JSON.stringify([url, sum, members, dir]);
  let p = inflight.get(key);
  if (!p) {
    // Members extracted by an earlier run need neither the archive's hash nor tar.
    p = (members ? extractedAll(cachedPath(url, sum, dir), members) : Promise.resolve(undefined)).then(
      async (done) =>
        done ??
        fetchVerified(url, sum, dir).then(async (path) =>
          members
            ? extractMembers(path, members, url)
            : [{ member: basename(path), localPath: path, sha256: sum.algorithm === 'sha256' ? sum.hex : await sha256File(path) }],
        ),
    );
    p.catch(() => inflight.delete(key));
    inflight.set(key, p);
  }
  return p;
}
