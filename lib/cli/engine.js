// Where the `tsplay` command takes the engine from. The published package holds only dist/ (lib/ compiled by
// tsc), so it is always dist/. In a source checkout (lib/*.ts beside it) dist/ is used only when it is at least
// as new as every file and folder under lib/: otherwise the engine runs from the sources through the hooks,
// slower but never an engine older than lib/, and the CLI says how to rebuild. Plain JS: it runs before any hook.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The build's stamp: written by `npm run build` after tsc succeeded (see package.json). */
export const STAMP = '.built';

/**
 * The first file or folder under `src` changed after the stamp in `dist` (a path relative to `src`),
 * 'no build' when there is none, or undefined when dist/ is current.
 */
export function staleness(src, dist) {
  let built;
  try {
    built = statSync(`${dist}/${STAMP}`).mtimeMs;
  } catch {
    return 'no build';
  }
  // A folder's mtime moves when a file is added, removed or renamed in it; a file's when it is edited.
  if (statSync(src).mtimeMs > built) return '.';
  for (const e of readdirSync(src, { recursive: true, withFileTypes: true })) {
    const path = `${e.parentPath}/${e.name}`;
    if (statSync(path).mtimeMs > built) return path.slice(src.length + 1);
  }
  return undefined;
}

/**
 * { main, lib, dist, stale }: the URL of the CLI's main module, and the URL prefixes of lib/ and dist/ when the
 * hooks must send the user's imports of lib/ to dist/ (undefined when the engine runs from the sources).
 */
export function locateEngine(root = new URL('../../', import.meta.url)) {
  const lib = new URL('lib/', root);
  const dist = new URL('dist/', root);
  if (!existsSync(new URL('cli/main.ts', lib))) return { main: new URL('cli/main.js', dist).href };
  const stale = staleness(fileURLToPath(lib).slice(0, -1), fileURLToPath(dist).slice(0, -1));
  if (stale) return { main: new URL('cli/main.ts', lib).href, stale };
  return { main: new URL('cli/main.js', dist).href, lib: lib.href, dist: dist.href };
}
