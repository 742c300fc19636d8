// TypeScript to JavaScript for the `tsplay` command: swc strips the types (no type-checking at run time:
// `npm test` does that) and the result is cached on disk by path, size and mtime, so a run only
// transpiles what changed since the last one (and ctime: an edit that keeps size and mtime still moves it).
// Plain JS on purpose: it runs before anything can load TypeScript.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

const cacheDir = () => process.env.TSPLAY_TS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tsplay', 'ts');
let swc; // loaded only on a cache miss
/** What the cached JavaScript is made with: a change here must not reuse older entries. */
const FORMAT = 'map-without-sources';

const metaVars = (meta) => Object.fromEntries(Object.entries(meta).map(([k, v]) => [`import.meta.${k}`, JSON.stringify(v)]));

/** Write through a temporary file, so a reader never sees half a file. */
export function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/**
 * The JavaScript for the .ts file at `path` (an absolute path), from the cache when it is current. `meta`
 * ({ url, dirname, filename }: strings) puts those values in place of import.meta's, for code that runs from
 * another place than its source (user-mirror.ts); any other use of import.meta is left as it is.
 */
export function transpile(path, st = statSync(path), meta = undefined) {
  const cache = cacheDir();
  const inputs = `${FORMAT}\0${path}\0${st.size}\0${st.mtimeMs}\0${st.ctimeMs}\0${st.ino}\0${meta ? JSON.stringify(meta) : ''}`;
  const key = createHash('sha256').update(inputs).digest('hex').slice(0, 32);
  const cached = join(cache, `${key}.js`);
  try {
    return readFileSync(cached, 'utf8');
  } catch {
    // not cached yet
  }
  swc ??= createRequire(import.meta.url)('@swc/core');
  // Syntax errors propagate as swc reports them (file:line:col with a code frame): the CLI shows them.
  const { code } = swc.transformSync(readFileSync(path, 'utf8'), {
    filename: path,
    sourceMaps: 'inline',
    inlineSourcesContent: false,
    swcrc: false,
    configFile: false,
    jsc: {
      parser: { syntax: 'typescript' },
      target: 'es2022',
      keepClassNames: true,
      // swc replaces the expressions in the syntax tree: a string that spells them out is left alone.
      ...(meta && { transform: { optimizer: { globals: { vars: metaVars(meta) } } } }),
    },
    module: { type: 'es6' },
  });
  try {
    mkdirSync(cache, { recursive: true });
    writeAtomic(cached, code);
  } catch {
    // a read-only or full cache only costs speed
  }
  return code;
}
