/**
 * Start-up of the `tsplay` command: how long a user waits for the CLI itself, beside `node -e 0` measured in
 * the same run (the floor any Node program pays). Commands: --help, --list-hosts of the sample playbook and of
 * site.ts (every role loaded, nothing connected), and no-op runs: the sample web app on lab-27..29, site.ts on
 * lab-29 alone (test/fixtures/inventory/lab-single.ts, TSPLAY_SINGLE_HOST=29) and site.ts on lab-1..7
 * (test/fixtures/inventory/lab-standins.ts), each converged once first, untimed, and checked to change
 * nothing; the sample web app is put back with playbooks/sample-reset.ts at the end.
 *
 *   node --loader ts-node/esm/transpile-only --no-warnings bench/startup.ts [--runs 10] [--no-lab] [--label after]
 *     [--roots /tmp/old,/tmp/new]      compare checkouts (each with node_modules and, where it has one, dist/ built)
 *     [--only sample]                  only the cases whose name contains this
 *
 * Every command runs once untimed first (warms the on-disk transpile cache and the page cache), then --runs
 * times, alternating commands (and checkouts) so drift on a shared machine hits them alike. Prints the wall
 * time (median, min, max), the CPU time (user + system, GNU time, median) and, for a run that connects, the
 * time from spawn to its first TCP connect (median, min; a preload wraps Socket#connect, the same for every
 * checkout) in seconds: on a loaded machine the minimum and the CPU time move least.
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
const SINGLE_INV = 'test/fixtures/inventory/lab-single.ts';

/**
 * Loaded before bin.js by the lab cases: the time of the first Socket#connect (ssh2 opens its own socket, which
 * the net.client.socket diagnostics channel does not see), printed at exit. Any checkout, with or without
 * TSPLAY_TRACE_STARTUP.
 */
const FIRST_CONNECT = `data:text/javascript,${encodeURIComponent(
  "import{Socket}from'node:net';const c=Socket.prototype.connect;Socket.prototype.connect=function(...a){Socket.prototype.connect=c;const t=performance.timeOrigin+performance.now();process.once('exit',()=>process.stderr.write('\\ntsplay-bench-first-connect '+t+'\\n'));return c.apply(this,a)}",
)}`;

interface Case {
  readonly name: string;
  readonly argv: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** A lab no-op on this many hosts: converged first (untimed) and checked to change nothing. */
  readonly hosts?: number;
}
const noop = (name: string, playbook: string, inventory: string, hosts: number, env?: NodeJS.ProcessEnv): Case => ({
  name,
  argv: ['--import', FIRST_CONNECT, bin, 'run', playbook, '-i', inventory],
  hosts,
  ...(env ? { env: { ...process.env, ...env } } : {}),
});
const only = flag('--only');
const cases: Case[] = [
  { name: 'node -e 0', argv: ['-e', '0'] },
  { name: 'tsplay --help', argv: [bin, '--help'] },
  { name: 'run sample.ts --list-hosts', argv: [bin, 'run', 'playbooks/sample.ts', '-i', SAMPLE_INV, '--list-hosts'] },
  { name: 'run site.ts --list-hosts', argv: [bin, 'run', 'playbooks/site.ts', '-i', SITE_INV, '--list-hosts'] },
  ...(lab
    ? [
        noop('sample.ts no-op, 3 hosts', 'playbooks/sample.ts', SAMPLE_INV, 3),
        noop('site.ts no-op, 1 host', 'playbooks/site.ts', SINGLE_INV, 1, { TSPLAY_SINGLE_HOST: '29' }),
        noop('site.ts no-op, 7 hosts', 'playbooks/site.ts', SITE_INV, 7),
      ]
    : []),
].filter((c) => !only || c.name === 'node -e 0' || c.name.includes(only));

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
  /** Spawn to the first TCP connect, for a run that connects. */
  readonly connectMs?: number;
}

async function once(c: Case, root: string): Promise<Sample> {
  const r = await measure(process.execPath, c.argv, { cwd: root, ...(c.env ? { env: c.env } : {}) });
  if (r.code !== 0) throw new Error(`node ${c.argv.join(' ')} exited ${r.code}:\n${r.stdout}${r.stderr}`);
  // A stale dist/ would measure the engine loaded from the sources through the hook: not what a user runs.
  if (r.stderr.includes('dist/ is stale')) throw new Error(`${r.stderr}(run \`npm run build\` first)`);
  const at = /^tsplay-bench-first-connect ([\d.]+)$/m.exec(r.stderr)?.[1];
  return { wallMs: r.wallMs, cpuMs: r.cpuMs, ...(at ? { connectMs: Number(at) - r.epochAtSpawn } : {}) };
}

async function noChanges(c: Case, root: string): Promise<void> {
  const r = await measure(process.execPath, [...c.argv, '--json'], { cwd: root, ...(c.env ? { env: c.env } : {}) });
  type End = { kind?: string; stats?: { hosts?: Record<string, { changed?: number }> } };
  const end = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as End)
    .find((e) => e.kind === 'run-end');
  const hosts = Object.values(end?.stats?.hosts ?? {});
  const changed = hosts.reduce((n, h) => n + (h.changed ?? 0), 0);
  if (r.code !== 0 || hosts.length !== c.hosts || changed !== 0) {
    throw new Error(`the no-op is not one (exit ${r.code}, ${hosts.length} hosts, ${changed} changed):\n${r.stderr}`);
  }
}

const noops = cases.filter((c) => c.hosts !== undefined);
for (const c of noops) await once(c, roots[0]!); // converge (untimed)
const key = (c: Case, root: string) => (roots.length > 1 ? `${c.name} [${root}]` : c.name);
const times = new Map<string, Sample[]>();
for (const c of cases) for (const r of roots) times.set(key(c, r), []);
for (const r of roots) {
  for (const c of cases) await once(c, r);
  for (const c of noops) await noChanges(c, r);
}
for (let i = 0; i < runs; i++) {
  for (const c of i % 2 ? [...cases].reverse() : cases) {
    for (const r of i % 2 ? [...roots].reverse() : roots) times.get(key(c, r))!.push(await once(c, r));
  }
}
if (noops.some((c) => c.name.startsWith('sample'))) await once({ name: 'reset', argv: [bin, 'run', 'playbooks/sample-reset.ts', '-i', SAMPLE_INV] }, roots[0]!);

const s = (ms: number) => (ms / 1000).toFixed(3);
const width = Math.max(30, ...[...times.keys()].map((k) => k.length));
const load = (await import('node:os'))
  .loadavg()
  .map((l) => l.toFixed(1))
  .join(' ');
console.log(`start-up ${label} (node ${process.version}, ${runs} runs, seconds; load average at the end ${load})`);
console.log(
  `${'command'.padEnd(width)} ${'wall median'.padStart(11)} ${'min'.padStart(6)} ${'max'.padStart(6)} ${'cpu median'.padStart(10)} ${'1st connect'.padStart(11)} ${'min'.padStart(6)}`,
);
for (const [name, xs] of times) {
  const wall = xs.map((x) => x.wallMs);
  const cpu = median(xs.map((x) => x.cpuMs));
  const conn = xs.flatMap((x) => (x.connectMs === undefined ? [] : [x.connectMs]));
  const connCols = conn.length ? `${s(median(conn)).padStart(11)} ${s(Math.min(...conn)).padStart(6)}` : '';
  console.log(
    `${name.padEnd(width)} ${s(median(wall)).padStart(11)} ${s(Math.min(...wall)).padStart(6)} ${s(Math.max(...wall)).padStart(6)} ${s(cpu).padStart(10)} ${connCols}`.trimEnd(),
  );
}
