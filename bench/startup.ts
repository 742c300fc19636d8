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
 * times, alternating commands (and checkouts) so drift on a shared machine hits them alike. Prints the wall
 * time (median, min, max) and the CPU time (user + system, GNU time, median) in seconds: on a loaded machine
 * the minimum and the CPU time move least.
 */
import { fileURLToPath } from 'node:url';
import { measure } from './measure.js';
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

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

async function once(argv: readonly string[], root: string): Promise<Sample> {
  const r = await measure(process.execPath, argv, { cwd: root });
  if (r.code !== 0) throw new Error(`node ${argv.join(' ')} exited ${r.code}:\n${r.stdout}${r.stderr}`);
  // A stale dist/ would measure the engine loaded from the sources through the hook: not what a user runs.
  if (r.stderr.includes('dist/ is stale')) throw new Error(`${r.stderr}(run \`npm run build\` first)`);
  return { wallMs: r.wallMs, cpuMs: r.cpuMs };
}

async function noChanges(argv: readonly string[], root: string): Promise<void> {
  const r = await measure(process.execPath, [...argv, '--json'], { cwd: root });
  type End = { kind?: string; stats?: { hosts?: Record<string, { changed?: number }> } };
  const end = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as End)
    .find((e) => e.kind === 'run-end');
  const hosts = Object.values(end?.stats?.hosts ?? {});
  const changed = hosts.reduce((n, h) => n + (h.changed ?? 0), 0);
  if (r.code !== 0 || hosts.length !== 3 || changed !== 0) {
    throw new Error(`the no-op is not one (exit ${r.code}, ${hosts.length} hosts, ${changed} changed):\n${r.stderr}`);
  }
}

const noop = cases.at(-1)!.argv;
if (lab) await once(noop, roots[0]!); // converge lab-27..29 (untimed)
const key = (c: Case, root: string) => (roots.length > 1 ? `${c.name} [${root}]` : c.name);
const times = new Map<string, Sample[]>();
for (const c of cases) for (const r of roots) times.set(key(c, r), []);
for (const r of roots) {
  for (const c of cases) await once(c.argv, r);
  if (lab) await noChanges(noop, r);
}
for (let i = 0; i < runs; i++) {
  for (const c of i % 2 ? [...cases].reverse() : cases) {
    for (const r of i % 2 ? [...roots].reverse() : roots) times.get(key(c, r))!.push(await once(c.argv, r));
  }
}
if (lab) await once([bin, 'run', 'playbooks/sample-reset.ts', '-i', SAMPLE_INV], roots[0]!);

const s = (ms: number) => (ms / 1000).toFixed(3);
const width = Math.max(30, ...[...times.keys()].map((k) => k.length));
console.log(`start-up ${label} (node ${process.version}, ${runs} runs, seconds)`);
console.log(`${'command'.padEnd(width)} ${'wall median'.padStart(11)} ${'min'.padStart(6)} ${'max'.padStart(6)} ${'cpu median'.padStart(10)}`);
for (const [name, xs] of times) {
  const wall = xs.map((x) => x.wallMs);
  const cpu = median(xs.map((x) => x.cpuMs));
  console.log(
    `${name.padEnd(width)} ${s(median(wall)).padStart(11)} ${s(Math.min(...wall)).padStart(6)} ${s(Math.max(...wall)).padStart(6)} ${s(cpu).padStart(10)}`,
  );
}
