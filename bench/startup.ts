/**
 * Start-up of the `tsplay` command: how long a user waits for the CLI itself, beside `node -e 0` measured in
 * the same run (the floor any Node program pays). Commands: --help, --list-hosts of the sample playbook and of
 * site.ts (every role loaded, nothing connected), and a no-op run of the sample web app on lab-27..29
 * (converged once first, untimed; put back with playbooks/sample-reset.ts at the end).
 *
 *   node --loader ts-node/esm/transpile-only --no-warnings bench/startup.ts [--runs 10] [--no-lab] [--label after]
 *     [--roots /tmp/old,/tmp/new]      compare checkouts (each with node_modules and, where it has one, dist/ built)
 *
 * Every command runs once untimed first (warms the on-disk transpile cache and the page cache), then --runs
 * times, alternating commands (and checkouts) so drift on a shared machine hits them alike. Prints median /
 * min / max wall time in seconds.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './stats.js';

const here = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs = Number(flag('--runs') ?? 10);
const lab = !args.includes('--no-lab');
const label = flag('--label') ?? '';
const roots = flag('--roots')?.split(',') ?? [here];
const bin = 'lib/cli/bin.js';
const SAMPLE_INV = 'test/fixtures/inventory/lab-bench3.ts';
const SITE_INV = 'test/fixtures/inventory/lab-standins.ts';

interface Case {
  readonly name: string;
  readonly argv: readonly string[];
}
const cases: Case[] = [
  { name: 'node -e 0', argv: ['-e', '0'] },
  { name: 'tsplay --help', argv: [bin, '--help'] },
  { name: 'run sample.ts --list-hosts', argv: [bin, 'run', 'playbooks/sample.ts', '-i', SAMPLE_INV, '--list-hosts'] },
  { name: 'run site.ts --list-hosts', argv: [bin, 'run', 'playbooks/site.ts', '-i', SITE_INV, '--list-hosts'] },
];
if (lab) cases.push({ name: 'sample.ts no-op, 3 hosts', argv: [bin, 'run', 'playbooks/sample.ts', '-i', SAMPLE_INV] });

function once(argv: readonly string[], root: string): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`node ${argv.join(' ')} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  // A stale dist/ would measure the engine loaded from the sources through the hook: not what a user runs.
  if (r.stderr.includes('dist/ is stale')) throw new Error(`${r.stderr}(run \`npm run build\` first)`);
  return ms;
}

function noChanges(argv: readonly string[], root: string): void {
  const r = spawnSync(process.execPath, [...argv, '--json'], { cwd: root, encoding: 'utf8' });
  type End = { kind?: string; stats?: { hosts?: Record<string, { changed?: number }> } };
  const end = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as End).find((e) => e.kind === 'run-end');
  const hosts = Object.values(end?.stats?.hosts ?? {});
  const changed = hosts.reduce((n, h) => n + (h.changed ?? 0), 0);
  if (r.status !== 0 || hosts.length !== 3 || changed !== 0) {
    throw new Error(`the no-op is not one (exit ${r.status}, ${hosts.length} hosts, ${changed} changed):\n${r.stderr}`);
  }
}

const noop = cases.at(-1)!.argv;
if (lab) once(noop, roots[0]!); // converge lab-27..29 (untimed)
const key = (c: Case, root: string) => (roots.length > 1 ? `${c.name} [${root}]` : c.name);
const times = new Map<string, number[]>();
for (const c of cases) for (const r of roots) times.set(key(c, r), []);
for (const r of roots) {
  for (const c of cases) once(c.argv, r);
  if (lab) noChanges(noop, r);
}
for (let i = 0; i < runs; i++) {
  for (const c of i % 2 ? [...cases].reverse() : cases) {
    for (const r of i % 2 ? [...roots].reverse() : roots) times.get(key(c, r))!.push(once(c.argv, r));
  }
}
if (lab) once([bin, 'run', 'playbooks/sample-reset.ts', '-i', SAMPLE_INV], roots[0]!);

const s = (ms: number) => (ms / 1000).toFixed(3);
const width = Math.max(30, ...[...times.keys()].map((k) => k.length));
console.log(`start-up ${label} (node ${process.version}, ${runs} runs, seconds)`);
console.log(`${'command'.padEnd(width)} ${'median'.padStart(7)} ${'min'.padStart(7)} ${'max'.padStart(7)}`);
for (const [name, xs] of times) {
  console.log(`${name.padEnd(width)} ${s(median(xs)).padStart(7)} ${s(Math.min(...xs)).padStart(7)} ${s(Math.max(...xs)).padStart(7)}`);
}
