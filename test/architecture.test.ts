/**
 * The layering of the README's "How it is built", enforced: each layer imports only the layers below it,
 * only the I/O layers reach processes or the network, and roles/ and playbooks/ use tsplay's public API.
 * Every .ts and .js file is read, with its dynamic import()s; a layer named here but missing fails, and so
 * does a folder of lib/ that no rule names.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { sourceFiles, sourceImports } from './source-imports.js';

const root = resolve(import.meta.dirname, '..');
const lib = join(root, 'lib');

/** Which lib/ layers each layer may import (itself always allowed). */
const layers: Record<string, readonly string[]> = {
  core: [],
  dsl: ['core'],
  inventory: ['core', 'dsl'],
  facts: ['core'],
  artifacts: ['core'],
  resources: ['core', 'facts', 'artifacts'],
  transport: ['core', 'facts'],
  report: ['core'],
  // Encrypted vars files (age): decrypted in memory, their values registered as secrets.
  vault: ['core'],
  runner: ['core', 'dsl', 'report'],
  testing: ['core', 'facts', 'resources', 'runner'],
  lab: ['core', 'dsl', 'transport'],
  cli: ['core', 'dsl', 'inventory', 'facts', 'artifacts', 'resources', 'transport', 'report', 'runner', 'lab', 'vault'],
};

/** Modules that do process, network or remote I/O (with or without the node: prefix). */
const io = /^(?:node:)?(?:child_process|cluster|net|dgram|dns|http|https|http2|tls)$|^(?:node-ssh|ssh2|zx)$/;
/** The only layers that may: the door to hosts, the lab, the controller's artifact downloads, the CLI. */
const ioLayers = new Set(['transport', 'lab', 'artifacts', 'cli']);
/** import(expr) loads a module the source does not name: only the loaders of the user's files may. */
const loaderLayers = new Set(['inventory', 'cli']);

/** The package's own entry points, as a bare import names them. */
const selfEntries: Record<string, string> = { tsplay: 'lib/index.ts', 'tsplay/testing': 'lib/testing/index.ts' };
/** A specifier's target relative to the root (without extension), or undefined for another package. */
function target(from: string, spec: string): string | undefined {
  const self = selfEntries[spec];
  if (self) return self.replace(/\.ts$/, '');
  if (!spec.startsWith('.')) return undefined;
  return relative(root, resolve(dirname(from), spec)).replace(/\.[cm]?[jt]s$/, '');
}

const layerOf = (path: string) => (path.startsWith('lib/') ? path.slice(4).split('/')[0]! : undefined);
const shown = (f: string) => relative(root, f);

describe('architecture', () => {
  it('lib/ is the layers named here and the public API, each of them present', () => {
    const entries = readdirSync(lib)
      .map((f) => (statSync(join(lib, f)).isDirectory() ? `${f}/` : f))
      .sort();
    assert.deepEqual(entries, [...Object.keys(layers).map((l) => `${l}/`), 'index.ts'].sort());
  });

  for (const layer of Object.keys(layers)) {
    const allowed = layers[layer]!;
    it(`lib/${layer} imports only ${allowed.join(', ') || 'nothing of tsplay'}${ioLayers.has(layer) ? ' (I/O allowed)' : ', and does no process or network I/O'}`, () => {
      const dir = join(lib, layer);
      assert.ok(existsSync(dir), `lib/${layer} is missing: the table above names it`);
      const bad: string[] = [];
      const all = sourceFiles(dir);
      assert.notDeepEqual(all, [], `lib/${layer} has no source files`);
      for (const f of all) {
        const { specs, computed, fetches } = sourceImports(f);
        for (const spec of specs) {
          const to = target(f, spec);
          if (to !== undefined) {
            const l = layerOf(to);
            if (l === undefined || to === 'lib/index' || (l !== layer && !allowed.includes(l))) bad.push(`${shown(f)} -> ${spec}`);
          } else if (io.test(spec) && !ioLayers.has(layer)) bad.push(`${shown(f)} -> ${spec} (I/O)`);
        }
        if (fetches && !ioLayers.has(layer)) bad.push(`${shown(f)} calls fetch() (I/O)`);
        if (computed && !loaderLayers.has(layer)) bad.push(`${shown(f)} has ${computed} import() of a computed specifier`);
      }
      assert.deepEqual(bad, []);
    });
  }

  it('the public API (lib/index.ts) is the engine: not the CLI, the lab or the test kit', () => {
    const f = join(lib, 'index.ts');
    const bad = sourceImports(f).specs.filter((s) => ['cli', 'lab', 'testing', undefined].includes(layerOf(target(f, s) ?? 'lib/')));
    assert.deepEqual(bad, []);
  });

  it('roles and playbooks use the public API only (tsplay, and tsplay/testing in tests)', () => {
    const bad: string[] = [];
    for (const top of ['roles', 'playbooks']) {
      const dir = join(root, top);
      assert.ok(existsSync(dir), `${top}/ is missing`);
      for (const f of sourceFiles(dir)) {
        const isTest = /\.test\.[cm]?[jt]s$/.test(f);
        const { specs, computed } = sourceImports(f);
        for (const spec of specs) {
          const to = target(f, spec);
          if (to === undefined || !to.startsWith('lib/') || to === 'lib/index') continue;
          if (isTest && to === 'lib/testing/index') continue;
          bad.push(`${shown(f)} -> ${spec}`);
        }
        if (computed) bad.push(`${shown(f)} has ${computed} import() of a computed specifier`);
      }
    }
    assert.deepEqual(bad, []);
  });

  // The CLI runs dist/ (lib/ compiled) and sends imports of lib/ there; tests and the bench run lib/ through
  // ts-node. Either way one engine loads, as long as nothing here names dist/ or the package's own entry
  // points (package.json "exports" lead to dist/: under ts-node that would be a second engine beside lib/).
  it('no source of the repository imports dist/ or tsplay by name (one engine under ts-node too)', () => {
    const bad: string[] = [];
    for (const top of ['lib', 'roles', 'playbooks', 'inventory', 'test', 'bench']) {
      for (const f of sourceFiles(join(root, top))) {
        for (const spec of sourceImports(f).specs) {
          const to = spec.startsWith('.') ? relative(root, resolve(dirname(f), spec)) : spec;
          if (spec in selfEntries || to === 'dist' || to.startsWith('dist/')) bad.push(`${shown(f)} -> ${spec}`);
        }
      }
    }
    assert.deepEqual(bad, []);
  });
});
