/**
 * Experiment behind RESULTS.md's start-up figures (not part of `npm run bench`): transpile lib/, roles/ and
 * playbooks/ to plain JS with swc (the sources already import with .js extensions, so the tree runs as is)
 * and write a bin that needs no loader. Then time `tsplay run` with and without TypeScript loading:
 *
 *   node --loader ts-node/esm/transpile-only --no-warnings bench/precompile.ts /tmp/tsplay-js
 *   node /tmp/tsplay-js/bin.js run /tmp/tsplay-js/playbooks/sample.js -i INVENTORY.js --json
 */
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformFile } from '@swc/core';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = process.argv[2] ?? '/tmp/tsplay-js';

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? walk(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))));
  return nested.flat().filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
}

const files = (await Promise.all(['lib', 'roles', 'playbooks'].map((d) => walk(join(root, d))))).flat();
await Promise.all(files.map(async (f) => {
  const { code } = await transformFile(f, { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } });
  const dest = join(out, relative(root, f)).replace(/\.ts$/, '.js');
  await mkdir(dirname(dest), { recursive: true });
  await writeFile(dest, code);
}));
await writeFile(join(out, 'package.json'), '{ "type": "module" }\n');
await symlink(join(root, 'node_modules'), join(out, 'node_modules')).catch(() => undefined);
await writeFile(join(out, 'bin.js'), "const { main } = await import('./lib/cli/main.js');\nprocess.exitCode = await main(process.argv.slice(2));\n");
console.log(`${files.length} files -> ${out}`);
