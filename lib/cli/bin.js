#!/usr/bin/env node
// The `tsplay` command. The engine is lib/ compiled by tsc into dist/ (`npm run build`, run by `npm ci` through
// "prepare"), loaded natively. The user's TypeScript (playbooks, inventories, roles) loads natively too, from
// its transpiled mirror (user-mirror.ts), or else through the one hook registered here, which sends its imports
// of lib/ to dist/: either way one engine instance runs. No type-checking at run time: that is `npm test`'s
// job. See engine.js for a source checkout whose dist/ is older than lib/.
import { register } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { locateEngine, STAMP } from './engine.js';
import { transpile } from './transpile.js';

performance.mark('tsplay:bin.js running');
// TSPLAY_TRACE_STARTUP=1 (or json): where start-up goes, at exit (startup-trace.js).
if (process.env.TSPLAY_TRACE_STARTUP) (await import('./startup-trace.js')).traceStartup(process.env.TSPLAY_TRACE_STARTUP);
const engine = locateEngine();
let beforeUserCode;
let engineMain;
if (!engine.stale) {
  // The engine's own imports load before the hook exists: Node 20 runs hooks on a thread of their own, one
  // message round trip per import, which lib/ and its dependencies need not pay. The hook is registered only
  // when a command is about to import the user's code (main.ts calls beforeUserCode): --help, lab, an Ansible
  // inventory start no hook thread and no swc. Nor a run whose modules the mirror holds or can take
  // (user-mirror.ts): Node loads them natively from there.
  const lib = engine.lib && { source: engine.lib, dist: engine.dist }; // a source checkout: its lib/ is dist/
  const dist = new URL('../', engine.main);
  const loaded = Promise.all([import(engine.main), import(new URL('cli/user-mirror.js', dist).href), import(new URL('inventory/load-module.js', dist).href)]);
  const [main, { userMirror, readStamp }, { locateUserModules }] = await loaded;
  engineMain = main;
  const stamp = readStamp(fileURLToPath(new URL(STAMP, dist)));
  const mirror =
    stamp === undefined ? undefined : userMirror({ stamp, dist: fileURLToPath(dist), engineLib: engine.lib && fileURLToPath(engine.lib), transpile });
  let hooked = false;
  const registerHook = () => {
    if (hooked) return;
    hooked = true;
    // The modules already loaded from the mirror are sent there again: none is ever loaded from two places.
    register('./ts-hooks.js', { parentURL: import.meta.url, data: { lib, mirrored: { ...mirror?.loaded } } });
    performance.mark('tsplay:TypeScript hook registered');
  };
  if (mirror) {
    // The first module the mirror cannot answer for registers the hook, and every later one goes through it.
    locateUserModules((abs) => (!hooked && mirror.url(abs)) || (registerHook(), pathToFileURL(abs).href));
  } else beforeUserCode = registerHook;
} else {
  const what = engine.stale === 'no build' ? 'there is no build' : `lib/${engine.stale} changed since the build`;
  process.stderr.write(`tsplay: dist/ is stale (${what}): the engine runs from the TypeScript sources, slower; \`npm run build\` compiles it again\n`);
  register('./ts-hooks.js', import.meta.url);
  engineMain = await import(engine.main);
}
const { main, processIO } = engineMain;
performance.mark('tsplay:engine loaded (main.js)');
process.exitCode = await main(process.argv.slice(2), { ...processIO(), beforeUserCode: () => beforeUserCode?.() });
