/**
 * What a user module imports, read from its text: the one home of that scan, for the other roles' cache
 * (other-roles.ts) and the native mirror of the user's modules (user-mirror.ts). A regex, not a parser, so each
 * caller treats what it cannot be sure of as a reason to load the slow, always-right way.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Static `import ... from`, `export ... from`, `import 'x'` and `import('x')`; not `Buffer.from('x')`. */
const SPECIFIER = /(?:(?<![.\w$])from|(?<![.\w$])import)\s*\(?\s*['"]([^'"]+)['"]/g;
/** An import( call, and what an import of one string literal continues with. */
const DYNAMIC = /(?<![.\w$])import\s*\(/g;
const LITERAL_ARG = /^\s*(['"])[^'"]*\1\s*[,)]/;

/** The specifiers `code` imports, and whether it has an import() of something other than one string literal. */
export function moduleImports(code: string): { readonly specifiers: readonly string[]; readonly nonLiteral: boolean } {
  const nonLiteral = [...code.matchAll(DYNAMIC)].some((m) => !LITERAL_ARG.test(code.slice(m.index + m[0].length, m.index + m[0].length + 1000)));
  return { specifiers: [...code.matchAll(SPECIFIER)].map((m) => m[1]!), nonLiteral };
}

const isRelative = (s: string) => s.startsWith('./') || s.startsWith('../');

/**
 * The file a relative `./x.js` from `importer` loads, as the CLI's TypeScript hook finds it: `./x.ts` when that
 * exists, else `./x.js`; undefined when neither is a file.
 */
export function relativeTarget(importer: string, specifier: string): string | undefined {
  const target = resolve(dirname(importer), specifier);
  const ts = target.replace(/\.([cm]?)js$/, '.$1ts');
  return [ts, target].find((t) => existsSync(t) && statSync(t).isFile());
}

/** Every module reachable from `entries` by relative imports (`read` gives a module's text), `skip` ones left out. */
export function relativeClosure(entries: readonly string[], read: (file: string) => string, skip: (file: string) => boolean): string[] {
  const todo = [...entries];
  const seen = new Set<string>();
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (seen.has(f) || skip(f)) continue;
    seen.add(f);
    for (const s of moduleImports(read(f)).specifiers) {
      const found = isRelative(s) ? relativeTarget(f, s) : undefined;
      if (found) todo.push(found);
    }
  }
  return [...seen].sort();
}
