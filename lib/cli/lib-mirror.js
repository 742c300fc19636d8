// The engine (lib/) as plain JavaScript under node_modules/.cache/tsplay, so the `tsplay` command loads it
// without module hooks: Node 20 runs hooks on a separate thread, one message round trip per import, which
// cost about 0.18 s for lib/ and its dependencies on every run. Files are transpiled again when they change.
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transpile, writeAtomic } from './transpile.js';

const libDir = fileURLToPath(new URL('..', import.meta.url));
/** lib/ as a URL prefix (with the trailing slash). */
export const sourceLib = pathToFileURL(libDir).href;

/**
 * Bring the compiled copy up to date and return its URL prefix, or undefined when it cannot be written
 * (a read-only install): the caller then loads lib/ through the hooks like any other TypeScript.
 */
export function mirrorLib(dir = join(libDir, '..', 'node_modules', '.cache', 'tsplay')) {
  const out = join(dir, 'lib');
  const manifestFile = join(dir, 'manifest.json');
  try {
    let manifest = {};
    try {
      manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    } catch {
      // first run, or an unreadable manifest: build everything
    }
    const files = readdirSync(libDir, { recursive: true }).filter((f) => /(?<!\.d)\.ts$|\.js$/.test(f));
    const stamps = {};
    let changed = files.length !== Object.keys(manifest).length;
    for (const rel of files) {
      const src = join(libDir, rel);
      const st = statSync(src);
      stamps[rel] = `${st.size}:${st.mtimeMs}`;
      if (manifest[rel] === stamps[rel]) continue;
      changed = true;
      const js = rel.endsWith('.ts') ? transpile(src, st) : readFileSync(src, 'utf8');
      const dest = join(out, rel.replace(/\.ts$/, '.js'));
      mkdirSync(dirname(dest), { recursive: true });
      writeAtomic(dest, pointAtSource(js, src));
    }
    if (changed) {
      writeAtomic(join(dir, 'package.json'), '{ "type": "module" }\n');
      writeAtomic(manifestFile, JSON.stringify(stamps));
    }
    return pathToFileURL(out).href + '/';
  } catch {
    return undefined;
  }
}

/** Paths a module finds from its own location (e.g. the lab's inventory) stay relative to the source. */
function pointAtSource(js, src) {
  return js.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(src).href));
}
