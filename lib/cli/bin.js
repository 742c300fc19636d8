#!/usr/bin/env node
// The `tsplay` command: teach Node to load TypeScript (ts-node, transpile-only with swc: no type-checking at
// run time, that is `npm test`'s job), then hand over to the CLI. Playbooks and inventories load the same way.
import { register } from 'node:module';

process.env.TS_NODE_PROJECT ??= new URL('../../tsconfig.json', import.meta.url).pathname;
register('ts-node/esm', import.meta.url);
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
