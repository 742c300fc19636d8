// Module hooks that let the `tsplay` command load TypeScript: swc strips the types (no type-checking at run
// time: `npm test` does that) and the JavaScript is cached on disk by path, size and mtime, so a run only
// transpiles what changed since the last one. Plain JS on purpose: the loader cannot load TypeScript itself.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CACHE = join(process.env.TSPLAY_TS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tsplay', 'ts'));
let swc; // loaded only on a cache miss
let swcVersion;

/** `./x.js` written for NodeNext names `./x.ts` on disk: look there first, without a failed lookup per import. */
export async function resolve(specifier, context, next) {
  if (/^(\.\.?\/|\/|file:)/.test(specifier) && specifier.endsWith('.js') && context.parentURL?.startsWith('file:')) {
    const url = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
    if (existsSync(url)) return { url: url.href, format: 'module', shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const path = fileURLToPath(url);
  const st = statSync(path);
  const key = createHash('sha256').update(`${path}\0${st.size}\0${st.mtimeMs}`).digest('hex').slice(0, 32);
  const cached = join(CACHE, `${key}.js`);
  try {
    return { format: 'module', source: readFileSync(cached, 'utf8'), shortCircuit: true };
  } catch {
    // not cached yet
  }
  swc ??= (await import('@swc/core')).default;
  const source = readFileSync(path, 'utf8');
  // Syntax errors propagate as swc reports them (file:line:col with a code frame): the CLI shows them.
  const { code } = swc.transformSync(source, {
    filename: path, sourceMaps: 'inline', swcrc: false, configFile: false,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022', keepClassNames: true },
    module: { type: 'es6' },
  });
  try {
    mkdirSync(CACHE, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, cached);
  } catch {
    // a read-only or full cache only costs speed
  }
  return { format: 'module', source: code, shortCircuit: true };
}
