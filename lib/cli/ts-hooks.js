// Module hooks that let the `tsplay` command load the user's TypeScript (playbooks, inventories, roles; and lib/
// itself only in a source checkout whose dist/ is stale, see engine.js). swc strips the types: transpile.js.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transpile } from './transpile.js';

/** { source, dist }: URL prefixes of lib/ and of dist/ (lib/ compiled by tsc), when the engine runs from dist/. */
let lib;
/** Source URL -> URL in user-mirror.ts's mirror, of the modules loaded from there before the hook: one instance each. */
let mirrored = {};

export function initialize(data) {
  lib = data?.lib;
  mirrored = data?.mirrored ?? {};
}

/** An import of lib/ (a role's '../../lib/index.js') gets dist/, the engine the CLI runs, not a second engine. */
function toDist(url) {
  if (!lib || !url.startsWith(lib.source)) return undefined;
  return lib.dist + url.slice(lib.source.length).replace(/\.ts$/, '.js');
}

/** `./x.js` written for NodeNext names `./x.ts` on disk: look there first, without a failed lookup per import. */
export async function resolve(specifier, context, next) {
  if (/^(\.\.?\/|\/|file:)/.test(specifier) && specifier.endsWith('.js') && context.parentURL?.startsWith('file:')) {
    const js = new URL(specifier, context.parentURL);
    const compiled = toDist(js.href);
    if (compiled) return { url: compiled, format: 'module', shortCircuit: true };
    const ts = new URL(`${js.href.slice(0, -3)}.ts`);
    if (existsSync(ts)) return { url: mirrored[ts.href] ?? ts.href, format: 'module', shortCircuit: true };
  }
  const resolved = await next(specifier, context);
  const compiled = toDist(resolved.url) ?? mirrored[resolved.url];
  return compiled ? { url: compiled, format: 'module', shortCircuit: true } : resolved;
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  return { format: 'module', source: transpile(fileURLToPath(url)), shortCircuit: true };
}
