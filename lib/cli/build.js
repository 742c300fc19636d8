#!/usr/bin/env node
// `npm run build`: compile lib/ to dist/ with tsc (tsconfig.build.json, incremental), drop what no longer has a
// source (a deleted or renamed module), then stamp dist/ with the time the build STARTED, so a file edited while
// tsc ran still counts as newer than the build (engine.js compares against the stamp).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { STAMP } from './engine.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const started = new Date();
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);

const dist = `${root}dist`;
for (const e of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!e.isFile()) continue;
  const rel = `${e.parentPath}/${e.name}`.slice(dist.length + 1);
  const stem = rel.match(/^(.*)\.(?:js|d\.ts|js\.map|d\.ts\.map)$/)?.[1];
  if (stem && !existsSync(`${root}lib/${stem}.ts`) && !existsSync(`${root}lib/${stem}.js`)) rmSync(`${dist}/${rel}`);
}
writeFileSync(`${dist}/${STAMP}`, `built from lib/ at ${started.toISOString()}\n`);
utimesSync(`${dist}/${STAMP}`, started, started);
