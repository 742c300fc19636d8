#!/usr/bin/env node
// The `tsplay` command: teach Node to load TypeScript (swc strips types, results cached on disk: no
// type-checking at run time, that is `npm test`'s job), then hand over to the CLI. Playbooks, inventories
// and roles load the same way.
import { register } from 'node:module';

register('./ts-hooks.js', import.meta.url);
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
