/** Re-render bench/RESULTS.md from bench/results.json (after editing ANALYSIS.md or report.ts): no hosts touched. */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderReport } from './report.js';
import type { Results } from './types.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const results = JSON.parse(await readFile(here('results.json'), 'utf8')) as Results;
await writeFile(here('RESULTS.md'), renderReport(results));
console.log('bench/RESULTS.md rewritten');
