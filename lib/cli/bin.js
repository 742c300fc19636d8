#!/usr/bin/env node
// The `tsplay` command. The engine runs from its compiled copy (lib-mirror.js), loaded natively; the hooks
// registered after it load the user's TypeScript (playbooks, inventories, roles) and send their imports of
// lib/ to that same copy. No type-checking at run time: that is `npm test`'s job.
import { register } from 'node:module';
import { mirrorLib, sourceLib } from './lib-mirror.js';

const mirror = mirrorLib();
let main;
if (mirror) {
  ({ main } = await import(`${mirror}cli/main.js`));
  register('./ts-hooks.js', { parentURL: import.meta.url, data: { lib: { source: sourceLib, mirror } } });
} else {
  register('./ts-hooks.js', import.meta.url);
  ({ main } = await import('./main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
