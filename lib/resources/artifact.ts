/**
 * artifact: a binary or archive fetched once on the controller (checksum-verified, cached, works
 * air-gapped), pushed to hosts whose copy differs. For an archive, chosen files are extracted on the
 * controller and each is compared with the host's by sha256, so only changed files travel. When the host
 * has a mirror (core/artifact-mirror.ts, given to prepare) it fetches those files over HTTP itself instead
 * of an SSH upload.
 */
import type { Action, Attrs, FileState } from '../core/ops.js';
import { q } from '../core/ops.js';
import { mirrorUrl, type ArtifactMirror } from '../core/artifact-mirror.js';
import type { Change } from '../core/resource.js';
import { defineResource, type Resource } from '../core/resource.js';
import { attrChanges, checkAttrs, checkPath, meta, ownerKeys, pickAttrs, shown, type Common } from './common.js';
import { prepareArtifact, type CachedFile, type Checksum } from '../artifacts/cache.js';

interface Base extends Attrs, Common {
  readonly url: string;
  /** The download's published digest: `sha256` or `sha512` (Kubernetes publishes sha512). */
  readonly sha256?: string;
  readonly sha512?: string;
  /** Controller cache directory (default TSPLAY_CACHE or ~/.cache/tsplay/artifacts). */
  readonly cacheDir?: string;
}
export type ArtifactOptions =
  | (Base & { readonly path: string; readonly extract?: undefined })
  | (Base & { readonly extract: Extract; readonly path?: undefined });

interface Extract {
  readonly files: readonly string[];
  readonly dest: string;
  /** The name each file lands under in dest, in the order of `files` (default: the member's base name). */
  readonly names?: readonly string[];
}

interface Target {
  readonly member?: string;
  readonly path: string;
}

const base = (p: string) => p.split('/').filter(Boolean).pop() ?? p;

/** An archive member to take: relative, inside the archive (no `..`), so extracting it cannot reach outside the scratch dir. */
function checkMember(url: string, m: string): void {
  if (m === '' || m.startsWith('/') || m.startsWith('-') || m.split('/').includes('..') || /[\p{Cc}\p{Cs}]/u.test(m)) {
    throw new Error(
      `artifact ${url}: extract.files must be member names inside the archive (relative, no "..", no control characters, not starting with "-"), got ${shown(m)}`,
    );
  }
}

/** Where each file lands on the host; binaries are executable unless told otherwise. */
function targets(o: ArtifactOptions): { dir: string; list: Target[] } {
  if (o.extract === undefined) {
    const path = checkPath('artifact', o.path);
    return { dir: path.slice(0, path.lastIndexOf('/')) || '/', list: [{ path }] };
  }
  if (o.extract.files.length === 0) throw new Error(`artifact ${o.url}: extract.files must name the files to take`);
  for (const m of o.extract.files) checkMember(o.url, m);
  const { files, names } = o.extract;
  if (names && (names.length !== files.length || names.some((n) => !/^[^/]+$/.test(n) || n === '.' || n === '..')))
    throw new Error(`artifact ${o.url}: extract.names must give one plain file name per file`);
  const dir = checkPath('artifact', o.extract.dest);
  return { dir, list: files.map((member, i) => ({ member, path: `${dir === '/' ? '' : dir}/${names?.[i] ?? base(member)}` })) };
}

export function artifact(o: ArtifactOptions): Resource<FileState[]> {
  checkAttrs(`artifact ${o.url}`, o);
  if ((o.sha256 === undefined) === (o.sha512 === undefined)) throw new Error(`artifact ${o.url}: give exactly one of sha256 or sha512`);
  const checksum: Checksum = o.sha256 !== undefined ? { algorithm: 'sha256', hex: o.sha256 } : { algorithm: 'sha512', hex: o.sha512! };
  const { dir, list } = targets(o);
  const attrs = pickAttrs({ ...o, mode: o.mode ?? 0o755 });
  let cached: readonly CachedFile[] | undefined;
  // The mirror of the host this resource was built for (resources are built per host); undefined: SSH.
  let mirror: ArtifactMirror | undefined;
  let prepared = false;
  const local = (i: number): CachedFile => {
    const c = cached?.[i];
    if (!c) throw new Error(`artifact ${o.url} was not prepared: prepare() fetches it on the controller before any host is touched`);
    return c;
  };
  const keys = list.map((t) => `path:${t.path}`);
  return defineResource<FileState[]>({
    ...meta(`artifact:${list.map((t) => t.path).join(',')}`, o, [...keys, ...ownerKeys(o)], keys),
    queries: [q.file(dir), ...list.map((t) => q.file(t.path, { sha256: true }))],
    async prepare(ctx) {
      // One object prepared for two hosts with different mirrors could send one of them to the wrong one.
      if (prepared && mirror?.base !== ctx.mirror?.base)
        throw new Error(`artifact ${o.url}: the same resource object is used for hosts with different artifact mirrors; build it in the role's resources()`);
      prepared = true;
      mirror = ctx.mirror;
      cached = await prepareArtifact(o.url, checksum, o.extract?.files, o.cacheDir);
      mirror?.offer?.(cached);
    },
    check([, ...files]) {
      return list.flatMap((t, i): Change[] => {
        const have = files[i]!;
        if (have.exists && have.type !== 'file') throw new Error(`${t.path} exists and is a ${have.type}, not a regular file`);
        const want = local(i).sha256;
        const content: Change[] = have.sha256 === want ? [] : [{ part: t.path, field: 'sha256', before: have.sha256 ?? 'absent', after: want }];
        return [...content, ...attrChanges(have.exists ? have : {}, attrs).map((c) => ({ ...c, part: t.path }))];
      });
    },
    apply([parent], _f, changes) {
      const out: Action[] = parent?.exists ? [] : [{ a: 'mkdir', path: dir, mode: 0o755 }];
      list.forEach((t, i) => {
        const mine = changes.filter((c) => c.part === t.path);
        if (mine.some((c) => c.field === 'sha256')) {
          const { localPath, sha256 } = local(i);
          // With a mirror the host fetches the file itself (verified there); SSH is its fallback.
          out.push({ a: 'upload', from: localPath, path: t.path, sha256, ...(mirror ? { url: mirrorUrl(mirror.base, sha256) } : {}), ...attrs });
        } else if (mine.length) out.push({ a: 'attrs', path: t.path, ...attrs });
      });
      return out;
    },
  });
}
