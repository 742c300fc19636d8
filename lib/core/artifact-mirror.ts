/**
 * An artifact mirror: an HTTP server hosts fetch verified artifacts from themselves (in parallel, no bytes
 * through the controller's SSH sessions), laid out by content: <base>/sha256/<hex> is the file whose sha256
 * is <hex> (what lands on the host, an extracted binary, not its archive). Set per host by the engine var
 * `artifact_mirror` (inventory vars at any level, or -e), or for every host by `tsplay run --artifact-mirror
 * URL` / `--serve-artifacts ADDR:PORT` (the controller's own cache, artifacts/serve.ts). Off by default.
 * In core because the inventory check, the runner and the artifact resource all read it. Pure.
 */
import { ConfigError } from './errors.js';

/** The engine var naming a host's mirror: a base URL, or false for none (SSH uploads). */
export const ARTIFACT_MIRROR_VAR = 'artifact_mirror';

/** The mirror a host fetches from; `offer` makes a file available on it when it is the run's own server. */
export interface ArtifactMirror {
  readonly base: string;
  offer?(files: readonly { readonly sha256: string; readonly localPath: string }[]): void;
}

/** What is wrong with a mirror base URL as the operator gives it (http(s), no query, fragment or credentials), if anything. */
export function mirrorBaseProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `expected an http:// or https:// URL such as http://10.0.0.1:8088, got ${JSON.stringify(url)}`;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.search || u.hash || u.username || u.password || /[\s'"`\\]/.test(url))
    return `expected an http:// or https:// URL without query, fragment or credentials, got ${JSON.stringify(url)}`;
  return undefined;
}

/** A mirror base URL, its trailing slashes cut; `where` names the flag or var it came from. */
export function parseMirrorBase(url: string, where: string): string {
  const problem = mirrorBaseProblem(url);
  if (problem) throw new ConfigError(problem, where);
  return url.replace(/\/+$/, '');
}

/** What is wrong with a value of `artifact_mirror` (a URL, or false / "false" for none), if anything. */
export function mirrorVarProblem(value: unknown): string | undefined {
  if (value === false || value === 'false') return undefined;
  if (typeof value !== 'string')
    return `expected an http(s) URL, or false for none, got ${value === null ? 'null' : typeof value === 'object' ? 'an object' : `the ${typeof value} ${String(value)}`}`;
  return mirrorBaseProblem(value);
}

/** The base URL a value of `artifact_mirror` names, or undefined for none (absent or false); `where` names the var's place. */
export function mirrorVarBase(value: unknown, where: string): string | undefined {
  if (value === undefined || value === false || value === 'false') return undefined;
  const problem = mirrorVarProblem(value);
  if (problem) throw new ConfigError(problem, where);
  return parseMirrorBase(value as string, where);
}

/** Where a host fetches the file of this sha256 from this mirror. */
export const mirrorUrl = (base: string, sha256: string): string => `${base}/sha256/${sha256}`;
