/**
 * Cold vs warm no-op of the sample role (playbooks/sample.ts) on lab-27..29 (--hosts to change the limit):
 * each run is a fresh `tsplay` process; warm runs go through a warm daemon of their own (a private
 * TSPLAY_WARM_DIR), after one run that opens its sessions. Prints the wall times and their medians.
 * Run: node --loader ts-node/esm/transpile-only --no-warnings bench/warm.ts [--runs 5] [--hosts lab-27:lab-28:lab-29]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, hosts: { type: 'string', default: 'lab-27:lab-28:lab-29' } } });
const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'tsplay-warm-bench-'));
const once = (warm: boolean): number => {
  const t = performance.now();
  execFileSync('node', ['lib/cli/bin.js', 'run', 'playbooks/sample.ts', '-i', 'inventory/lab.ts', '--limit', values.hosts!, ...(warm ? ['--warm'] : [])], {
    cwd: root,
    env: { ...process.env, TSPLAY_WARM_DIR: dir },
    stdio: 'ignore',
  });
  return (performance.now() - t) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
try {
  once(false); // converge first: the runs below are no-ops
  once(true); // opens the warm sessions
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < Number(values.runs); i++) {
    cold.push(once(false));
    warm.push(once(true));
  }
  const f = (xs: number[]) => `median ${median(xs).toFixed(2)} s (${xs.map((x) => x.toFixed(2)).join(', ')})`;
  console.log(`no-op of the sample role on ${values.hosts}, ${values.runs} runs each, interleaved`);
  console.log(`  cold: ${f(cold)}`);
  console.log(`  warm: ${f(warm)}`);
} finally {
  try {
    execFileSync('node', ['lib/cli/bin.js', 'warm', 'stop'], { cwd: root, env: { ...process.env, TSPLAY_WARM_DIR: dir }, stdio: 'ignore' });
  } catch {}
  rmSync(dir, { recursive: true, force: true });
}
