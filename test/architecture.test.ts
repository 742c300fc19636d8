/**
 * The dependency direction of DESIGN.md, enforced: each layer imports only the layers below it, and only
 * transport/ and lab/ (plus the controller-side artifact cache and the CLI) reach processes or the network.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/** Which lib/ layers each layer may import (itself always allowed). */
const layers: Record<string, readonly string[]> = {
  core: [],
  dsl: ['core'],
  inventory: ['core', 'dsl'],
  facts: ['core'],
  resources: ['core', 'facts'],
  transport: ['core', 'facts'],
  pki: ['core', 'dsl'],
  report: ['core'],
  runner: ['core', 'dsl', 'report'],
  testing: ['core', 'facts', 'resources', 'runner'],
  lab: ['core', 'dsl', 'transport'],
  cli: ['core', 'dsl', 'inventory', 'facts', 'resources', 'transport', 'pki', 'report', 'runner', 'lab'],
};

/** Modules that do process, network or remote I/O: only these layers may import them. */
const io = /^(node:child_process|node:net|node:dgram|node:http|node:https|node-ssh|ssh2|zx)$/;
const ioAllowed = new Set(['transport', 'lab', 'cli']);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const imports = (file: string) => [...readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);

describe('architecture', () => {
  for (const layer of Object.keys(layers)) {
    it(`lib/${layer} imports only ${[...layers[layer]!].join(', ') || 'nothing of tsplay'}`, () => {
      const bad: string[] = [];
      let dir: string;
      try {
        dir = join(root, 'lib', layer);
        statSync(dir);
      } catch {
        return;
      }
      for (const f of files(dir)) {
        for (const spec of imports(f)) {
          if (spec.startsWith('.')) {
            const target = relative(join(root, 'lib'), resolve(dirname(f), spec)).split('/')[0]!;
            if (target !== layer && !layers[layer]!.includes(target)) bad.push(`${relative(root, f)} -> ${spec}`);
          } else if (io.test(spec) && !ioAllowed.has(layer) && !/artifact/.test(f)) bad.push(`${relative(root, f)} -> ${spec} (I/O)`);
        }
      }
      assert.deepEqual(bad, []);
    });
  }

  it('roles and playbooks import only the public DSL, resources, pki and core types', () => {
    const bad: string[] = [];
    for (const top of ['roles', 'playbooks']) {
      let all: string[] = [];
      try {
        all = files(join(root, top));
      } catch {
        continue;
      }
      for (const f of all) {
        for (const spec of imports(f)) {
          if (!spec.startsWith('.')) continue;
          const target = relative(root, resolve(dirname(f), spec));
          if (target.startsWith('lib/') && target !== 'lib/index.js' && !/^lib\/(dsl|resources|pki|core)\//.test(target)) bad.push(`${relative(root, f)} -> ${spec}`);
        }
      }
    }
    assert.deepEqual(bad, []);
  });
});
