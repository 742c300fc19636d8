/**
 * The user's TypeScript (playbooks, inventories, roles) transpiled into a mirror that Node loads natively, so a
 * `tsplay` run starts no module hooks (Node 20 runs them on a thread of their own: ~35 ms to start it, then a
 * round trip per import). /a/b/c.ts is <root>/a/b/c.js, so relative imports stay inside the mirror; a source
 * checkout's lib/ is a symlink to the engine's dist/ there and each node_modules the code's bare imports use is
 * a symlink at its own place, so Node's real paths give the engine's and the packages' own module instances.
 * import.meta.url, .dirname and .filename name the source (swc replaces them); the inline source maps too.
 * One manifest per entry module: every module its imports reach, with size, mtime, ctime and inode, the folders
 * they are in, what bare imports were looked up in, and the mirrored files. Anything changed builds it again;
 * anything the mirror cannot answer for certain (an import() of an expression, a bare import Node would resolve
 * through the package itself, another import.meta, a .js or .json module, an import that does not resolve)
 * leaves the entry to the hook: never stale code, at worst the hook's speed.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, type Stats, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { moduleImports, relativeTarget } from './import-walk.js';

/** transpile.js's transpile(): swc's output for `path`, import.meta's values given. */
export type Transpile = (path: string, st: Stats, meta: { url: string; dirname: string; filename: string }) => string;

export interface MirrorOptions {
  /** The engine's build stamp (dist/.built): a mirror is made for one build, never reused by another. */
  readonly stamp: string;
  /** The engine's dist/. */
  readonly dist: string;
  /** A source checkout's lib/, whose imports (a role's '../../lib/index.js') are the engine's dist/. */
  readonly engineLib?: string;
  readonly transpile: Transpile;
  /** Where mirrors live; default $TSPLAY_USER_MIRROR, else ~/.cache/tsplay/mirror ($XDG_CACHE_HOME). */
  readonly dir?: string;
}

export interface UserMirror {
  /** The URL to import `entry` (an absolute .ts path) from, or undefined: import it through the hook. */
  url(entry: string): string | undefined;
  /** Source URL to mirror URL of each module the entries answered so far reach (the hook sends those there too). */
  readonly loaded: Record<string, string>;
}

interface Manifest {
  /** The modules, as absolute source paths. */
  readonly sources: readonly string[];
  /** Fingerprints of everything the mirror was made from, and of the mirrored files. */
  readonly inputs: readonly string[];
}

/** The engine build's stamp ("mtime\0text"), or undefined when there is none (the engine runs from its sources). */
export function readStamp(file: string): string | undefined {
  try {
    return `${statSync(file).mtimeMs}\0${readFileSync(file, 'utf8')}`;
  } catch {
    return undefined;
  }
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

/** A path's state: what changes when it is edited (even keeping size and mtime), replaced, created or removed. */
export function fingerprint(path: string): string {
  const st = statSync(path, { throwIfNoEntry: false });
  return st ? `${path}\0${st.size}\0${st.mtimeMs}\0${st.ctimeMs}\0${st.ino}` : `${path}\0-`;
}

/** Every fingerprint taken earlier (fingerprint()) is still the path's. */
export const unchanged = (inputs: readonly string[]): boolean => inputs.every((i) => fingerprint(i.slice(0, i.indexOf('\0'))) === i);

/** The mirror of one engine build; undefined when TSPLAY_USER_MIRROR=off. */
export function userMirror(o: MirrorOptions): UserMirror | undefined {
  const base = o.dir ?? process.env.TSPLAY_USER_MIRROR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tsplay', 'mirror');
  if (base === 'off') return undefined;
  const root = join(base, sha(o.stamp).slice(0, 16));
  const loaded: Record<string, string> = {};
  const mirrored = (path: string) => join(root, path);
  const out = (source: string) => mirrored(source).replace(/\.ts$/, '.js');
  const manifestFile = (entry: string) => join(root, '.entries', `${sha(entry)}.json`);

  const answer = (entry: string, m: Manifest) => {
    for (const s of m.sources) loaded[pathToFileURL(s).href] = pathToFileURL(out(s)).href;
    return pathToFileURL(out(entry)).href;
  };
  return {
    loaded,
    url(entry) {
      if (!entry.endsWith('.ts')) return undefined;
      try {
        const m = readManifest(manifestFile(entry));
        if (m && unchanged(m.inputs)) return answer(entry, m);
        const built = build(entry, { ...o, root, out, mirrored });
        if (!built) return undefined;
        writeAtomic(manifestFile(entry), JSON.stringify(built));
        return answer(entry, built);
      } catch {
        return undefined; // a mirror that cannot be read or written: the hook
      }
    },
  };
}

interface Paths {
  readonly root: string;
  readonly out: (source: string) => string;
  readonly mirrored: (path: string) => string;
}

/** Transpile every module `entry` reaches into the mirror; undefined when the mirror cannot stand for it. */
function build(entry: string, o: MirrorOptions & Paths): Manifest | undefined {
  const noted = new Map<string, string>(); // each input's fingerprint, taken before it was read or looked at
  const note = (path: string) => noted.has(path) || noted.set(path, fingerprint(path));
  const code = new Map<string, string>();
  const links = new Map<string, string>(); // mirror path -> what it links to
  const inEngine = (f: string) => o.engineLib !== undefined && f.startsWith(o.engineLib);
  const todo = [entry];
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (code.has(f)) continue;
    if (!f.endsWith('.ts') || f.includes('/node_modules/') || inEngine(f)) return undefined;
    note(f);
    note(dirname(f)); // a module added beside it can change what an import finds
    const js = o.transpile(f, statSync(f), { url: pathToFileURL(f).href, dirname: dirname(f), filename: f });
    if (/\bimport\.meta\b/.test(js)) return undefined; // import.meta.resolve and the like: only the hook knows
    const { specifiers, nonLiteral } = moduleImports(js);
    if (nonLiteral) return undefined;
    code.set(f, js);
    for (const s of specifiers) {
      if (isBuiltin(s)) continue;
      if (s.startsWith('./') || s.startsWith('../')) {
        const t = s.endsWith('.js') ? relativeTarget(f, s) : undefined;
        if (!t) return undefined;
        if (inEngine(t)) links.set(o.mirrored(o.engineLib!.replace(/\/$/, '')), o.dist.replace(/\/$/, ''));
        else todo.push(t);
        continue;
      }
      const nodeModules = packageFolder(f, s, note);
      if (!nodeModules) return undefined;
      links.set(o.mirrored(nodeModules), nodeModules);
    }
  }
  mkdirSync(o.root, { recursive: true });
  if (!existsSync(join(o.root, 'package.json'))) writeAtomic(join(o.root, 'package.json'), '{ "type": "module" }\n');
  for (const [at, target] of links) link(at, target);
  // A module another entry's mirror holds is rewritten only when it changed: its fingerprint stays that entry's.
  for (const [f, js] of code) if (readIfAny(o.out(f)) !== js) writeAtomic(o.out(f), js);
  // Changed while the mirror was being made: it may hold some of each version.
  if ([...noted].some(([path, fp]) => fingerprint(path) !== fp)) return undefined;
  const outs = [...code.keys()].map((f) => fingerprint(o.out(f)));
  return { sources: [...code.keys()].sort(), inputs: [...noted.values(), ...outs, ...[...links.keys()].map(fingerprint)] };
}

/**
 * The node_modules folder Node finds bare `specifier` in from `file` (the nearest one holding its package);
 * undefined when none does, or when a package.json above `file` is that package (Node resolves it through its
 * exports, which the mirror, outside the package, would not).
 */
function packageFolder(file: string, specifier: string, note: (path: string) => unknown): string | undefined {
  if (specifier.startsWith('#') || specifier.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(specifier)) return undefined;
  const name = specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
  for (let d = dirname(file); ; d = dirname(d)) {
    const pkg = join(d, 'package.json');
    note(pkg);
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === name) return undefined;
    const nm = join(d, 'node_modules');
    note(nm);
    if (existsSync(join(nm, name))) return nm;
    if (dirname(d) === d) return undefined;
  }
}

/** A symlink at `at` to `target`, made atomically; an existing one must already point there. */
function link(at: string, target: string): void {
  const st = lstatSync(at, { throwIfNoEntry: false });
  if (st?.isSymbolicLink() && readlinkSync(at) === target) return;
  if (st) throw new Error(`${at} is in the way of the mirror's link to ${target}`);
  mkdirSync(dirname(at), { recursive: true });
  const tmp = `${at}.${process.pid}.tmp`;
  symlinkSync(target, tmp);
  renameSync(tmp, at);
}

function readManifest(file: string): Manifest | undefined {
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as Partial<Manifest>;
    const strings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');
    return strings(m.sources) && strings(m.inputs) ? (m as Manifest) : undefined;
  } catch {
    return undefined;
  }
}

function readIfAny(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Through a temporary file, so a concurrent run never reads half a module or manifest. */
function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
