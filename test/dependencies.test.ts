/**
 * package.json declares exactly what the code uses: nothing is imported that arrives only as another
 * package's dependency (it can vanish with that package's next release), and nothing is declared that
 * no file imports and no script or test config runs.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { sourceFiles, sourceImports } from './source-imports.js';

const root = resolve(import.meta.dirname, '..');
const json = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8')) as Record<string, unknown>;
const pkg = json('package.json') as {
  name: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const declared = { ...pkg.dependencies, ...pkg.devDependencies };

/** Shipped code (the engine, the roles, the playbooks, inventories) needs runtime dependencies; tests and the bench may use dev ones. */
const runtimeDirs = ['lib', 'roles', 'playbooks', 'inventory'];
const devDirs = ['test', 'bench'];

const builtins = new Set(builtinModules);
/** The package a bare specifier loads, or undefined for a relative path, a builtin or tsplay itself. */
function packageOf(spec: string): string | undefined {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || spec.includes(':')) return undefined;
  const name = spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
  return builtins.has(name) || name === pkg.name ? undefined : name;
}

/** Each imported package and the files that import it. */
function importedBy(dirs: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of dirs) {
    for (const f of sourceFiles(join(root, d))) {
      for (const name of sourceImports(f).specs.map(packageOf)) if (name) out.set(name, [...(out.get(name) ?? []), relative(root, f)]);
    }
  }
  return out;
}

/** What runs a package without importing it: the npm scripts and the mocha configs (loaders, requires). */
const mocharcs = [
  '.mocharc.json',
  ...readdirSync(join(root, 'test'), { recursive: true, encoding: 'utf8' })
    .filter((f) => /(?:^|\/)\.?mocharc\.json$/.test(f))
    .map((f) => `test/${f}`),
];
const toolText = [...Object.values(pkg.scripts), ...mocharcs.map((f) => readFileSync(join(root, f), 'utf8'))].join('\n');
const binsOf = (name: string): string[] => {
  const file = join(root, 'node_modules', name, 'package.json');
  if (!existsSync(file)) return [];
  const bin = (JSON.parse(readFileSync(file, 'utf8')) as { bin?: string | Record<string, string> }).bin;
  return bin === undefined ? [] : typeof bin === 'string' ? [name.split('/').pop()!] : Object.keys(bin);
};
const word = (w: string) => new RegExp(`(?:^|[\\s"'=&;(])${w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?=$|[\\s"'/&;)])`, 'm');
const runByTools = (name: string) => [name, ...binsOf(name)].some((w) => word(w).test(toolText));

/** tsconfig's compilerOptions.types: type packages loaded without an import. */
const tsTypes = (json('tsconfig.json') as { compilerOptions?: { types?: string[] } }).compilerOptions?.types ?? [];
/** @types/foo types foo, @types/scope__name types @scope/name. */
const typedPackage = (types: string) => (types.includes('__') ? `@${types.slice(7).replace('__', '/')}` : types.slice(7));

describe('dependencies', () => {
  const runtime = importedBy(runtimeDirs);
  const all = importedBy([...runtimeDirs, ...devDirs]);

  it('every imported package is declared in package.json', () => {
    assert.deepEqual(
      [...all].filter(([name]) => !(name in declared)).map(([name, files]) => `${name} (${files[0]})`),
      [],
    );
  });

  it('shipped code imports only runtime dependencies, not dev ones', () => {
    assert.deepEqual(
      [...runtime].filter(([name]) => !(name in pkg.dependencies)).map(([name, files]) => `${name} (${files[0]})`),
      [],
    );
  });

  it('every declared package is imported, run by a script or test config, or types one that is', () => {
    const used = (name: string): boolean =>
      all.has(name) || runByTools(name) || (name.startsWith('@types/') && (tsTypes.includes(name.slice(7)) || used(typedPackage(name))));
    assert.deepEqual(
      Object.keys(declared).filter((name) => !used(name)),
      [],
    );
  });
});
