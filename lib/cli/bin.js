#!/usr/bin/env node
// The `tsplay` command. The engine is lib/ compiled by tsc into dist/ (`npm run build`, run by `npm ci` through
// "prepare"), loaded natively; the one hook registered here loads only the user's TypeScript (playbooks,
// inventories, roles) and sends their imports of lib/ to dist/, so one engine instance runs. No type-checking
// at run time: that is `npm test`'s job. See engine.js for a source checkout whose dist/ is older than lib/.
import { register } from 'node:module';
import { locateEngine } from './engine.js';

performance.mark('tsplay:bin.js running');
// TSPLAY_TRACE_STARTUP=1 (or json): where start-up goes, at exit (startup-trace.js).
if (process.env.TSPLAY_TRACE_STARTUP) (await import('./startup-trace.js')).traceStartup(process.env.TSPLAY_TRACE_STARTUP);
const engine = locateEngine();
let beforeUserCode;
if (!engine.stale) {
  // The engine's own imports load before the hook exists: Node 20 runs hooks on a thread of their own, one
  // message round trip per import, which lib/ and its dependencies need not pay. The hook is registered only
  // when a command is about to import the user's code (main.ts calls beforeUserCode): --help, lab, an Ansible
  // inventory start no hook thread and no swc.
  const lib = engine.lib && { source: engine.lib, dist: engine.dist }; // a source checkout: its lib/ is dist/
  beforeUserCode = () => {
    beforeUserCode = undefined;
    register('./ts-hooks.js', { parentURL: import.meta.url, data: lib ? { lib } : undefined });
    performance.mark('tsplay:TypeScript hook registered');
  };
} else {
  const what = engine.stale === 'no build' ? 'there is no build' : `lib/${engine.stale} changed since the build`;
  process.stderr.write(`tsplay: dist/ is stale (${what}): the engine runs from the TypeScript sources, slower; \`npm run build\` compiles it again\n`);
  register('./ts-hooks.js', import.meta.url);
}
const { main, processIO } = await import(engine.main);
performance.mark('tsplay:engine loaded (main.js)');
process.exitCode = await main(process.argv.slice(2), { ...processIO(), beforeUserCode: () => beforeUserCode?.() });
