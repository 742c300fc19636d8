// TypeScript to JavaScript for the `tsplay` command: swc strips the types (no type-checking at run time:
// `npm test` does that) and the result is cached on disk by path, size and mtime, so a run only
// transpiles what changed since the last one. Plain JS on purpose: it runs before anything can load TypeScript.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

const cacheDir = () => process.env.TSPLAY_TS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tsplay', 'ts');
let swc; // loaded only on a cache miss
/** What the cached JavaScript is made with: a change here must not reuse older entries. */
const FORMAT = 'map-without-sources';

/** Write through a temporary file, so a reader never sees half a file. */
export function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** The JavaScript for the .ts file at `path` (an absolute path), from the cache when it is current. */
export function transpile(path, st = statSync(path)) {
  const cache = cacheDir();
  const key = createHash('sha256').update(`${FORMAT}\0${path}\0${st.size}\0${st.mtimeMs}`).digest('hex').slice(0, 32);
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
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022', keepClassNames: true },
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
