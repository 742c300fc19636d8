/**
 * The run's artifact mirror: where hosts fetch verified artifacts themselves (plain HTTP, in parallel)
 * instead of the controller pushing every byte through its SSH sessions. One base URL per run, laid out
 * by content: <base>/sha256/<hex> is the file whose sha256 is <hex> (what lands on the host, an extracted
 * binary, not its archive). `tsplay run --serve-artifacts ADDR:PORT` serves the controller's own cache
 * that way (serve.ts); `--artifact-mirror URL` names another server with that layout. Off by default.
 */
import { ConfigError } from '../core/errors.js';
import { onMirrorFallback } from '../core/mirror-fallback.js';
import type { CachedFile } from './cache.js';

let base: string | undefined;
/** sha256 -> controller path of each file prepared (fetched and verified) in this run: all the server may send. */
const offered = new Map<string, string>();

/** A mirror base URL as the operator gives it: http(s), no query or fragment; `where` names the flag. */
export function parseMirrorBase(url: string, where: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(`expected an http:// or https:// URL such as http://10.0.0.1:8088, got ${JSON.stringify(url)}`, where);
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.search || u.hash || u.username || /[\s'"`\\]/.test(url))
    throw new ConfigError(`expected an http:// or https:// URL without query, fragment or credentials, got ${JSON.stringify(url)}`, where);
  return url.replace(/\/+$/, '');
}

/** Set (or with undefined, clear) the run's mirror; `note` reports hosts that fell back to SSH (default: stderr). */
export function useMirror(url: string | undefined, note?: (text: string) => void): void {
  base = url;
  onMirrorFallback(note);
}

/** Where a host fetches the file of this sha256, when the run has a mirror. */
export const mirrorUrl = (sha256: string): string | undefined => (base === undefined ? undefined : `${base}/sha256/${sha256}`);

/** A verified cache file the run's own server may send (the artifact resource's prepare offers each). */
export function offer(files: readonly CachedFile[]): void {
  for (const f of files) offered.set(f.sha256, f.localPath);
}

/** The controller path of an offered file, by its sha256. */
export const offeredPath = (sha256: string): string | undefined => offered.get(sha256);
