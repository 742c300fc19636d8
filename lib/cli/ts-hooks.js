// Module hooks that let the `tsplay` command load TypeScript (playbooks, inventories, roles, and lib/ itself
// when its compiled copy cannot be written; see transpile.js and lib-mirror.js).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transpile } from './transpile.js';

/** { source, mirror }: URL prefixes of lib/ and of its compiled copy, when the engine runs from the copy. */
let lib;

export function initialize(data) {
  lib = data?.lib;
}

/** lib/ has to be the one copy the engine runs from, or a playbook's roles would get a second engine. */
function toMirror(url) {
  if (!lib || !url.startsWith(lib.source)) return undefined;
  return lib.mirror + url.slice(lib.source.length).replace(/\.ts$/, '.js');
}

/** `./x.js` written for NodeNext names `./x.ts` on disk: look there first, without a failed lookup per import. */
export async function resolve(specifier, context, next) {
  if (/^(\.\.?\/|\/|file:)/.test(specifier) && specifier.endsWith('.js') && context.parentURL?.startsWith('file:')) {
    const js = new URL(specifier, context.parentURL);
    const mirrored = toMirror(js.href);
    if (mirrored) return { url: mirrored, format: 'module', shortCircuit: true };
    const ts = new URL(`${js.href.slice(0, -3)}.ts`);
    if (existsSync(ts)) return { url: ts.href, format: 'module', shortCircuit: true };
  }
  const resolved = await next(specifier, context);
  const mirrored = toMirror(resolved.url);
  return mirrored ? { url: mirrored, format: 'module', shortCircuit: true } : resolved;
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  return { format: 'module', source: transpile(fileURLToPath(url)), shortCircuit: true };
}
