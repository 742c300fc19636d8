/**
 * Fleet sizes (issue #15): tsplay alone on 100 and 200 lab hosts, lab-35 and up by default (clear of the
 * suites' lab-1..34). Per size: the lab's boot time for the hosts it adds and the memory each takes
 * (MemAvailable before and after), then the sample web app (playbooks/sample.ts) reset, first apply and
 * no-ops: wall time, start-up, tsplay's own run time, controller peak RSS and CPU, round trips per host,
 * against `--list-hosts` (the same program with no host connected) for the memory added per host, and the
 * whole machine's busy CPU meanwhile (the lab hosts share the controller's CPUs: what the run cost them too).
 * Ansible is not run here: bench/run.ts compares the two at 3-30 hosts.
 *
 *   node --loader ts-node/esm/transpile-only --no-warnings bench/scale.ts [--hosts 100,200] [--first 35] [--runs 3]
 *
 * Prints a markdown table for bench/RESULTS.md and the raw figures as JSON (bench/scale.json).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { labHosts } from '../lib/lab/network.js';
import { labPaths } from '../lib/lab/paths.js';
import { labUp } from '../lib/lab/up.js';
import { measure } from './measure.js';
import { sshAllOk } from './ssh.js';
import { CLI, ROOT, runTsplay, type TsplayRun } from './tools.js';
import { makeWorkDir } from './workdir.js';
import { WEBAPP_RESET_EXTRA } from './probes.js';

const { values } = parseArgs({
  options: { hosts: { type: 'string', default: '100,200' }, first: { type: 'string', default: '35' }, runs: { type: 'string', default: '3' } },
});
const sizes = values.hosts.split(',').map(Number);
const first = Number(values.first);
const runs = Number(values.runs);
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !(first >= 1) || !(runs >= 1))
  throw new Error('usage: bench/scale.ts [--hosts 100,200] [--first 35] [--runs 3]');

const say = (l: string) => console.log(l);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const memAvailableKb = async () => Number(/MemAvailable:\s+(\d+)/.exec(await readFile('/proc/meminfo', 'utf8'))![1]);

interface SizeResult {
  hosts: number;
  labUpMs: number;
  addedHosts: number;
  memPerHostKb: number;
  listHosts: { wallMs: number; maxRssKb: number };
  first: TsplayRun;
  noop: TsplayRun[];
  load: string;
}

const paths = labPaths();
const lab = { key: paths.key, knownHosts: paths.knownHosts };
const work = join(ROOT, 'node_modules/.cache/tsplay-bench-scale');
const results: SizeResult[] = [];
for (const size of sizes) {
  const hosts = labHosts(first - 1 + size).slice(first - 1);
  // labUp regenerates inventory/lab.ts for every host; the project's file stays what it was.
  const inventory = await readFile(paths.inventory, 'utf8').catch(() => undefined);
  const before = await memAvailableKb();
  const state = JSON.parse(await readFile(paths.state, 'utf8').catch(() => '{"hosts":[]}')) as { hosts: unknown[] };
  const t = performance.now();
  await labUp({ hosts: first - 1 + size, say: () => undefined });
  const labUpMs = performance.now() - t;
  if (inventory !== undefined) await writeFile(paths.inventory, inventory);
  const addedHosts = Math.max(0, first - 1 + size - state.hosts.length);
  // Let the new hosts' boot settle before reading memory.
  await new Promise((r) => setTimeout(r, 5000));
  const memPerHostKb = addedHosts ? (before - (await memAvailableKb())) / addedHosts : 0;
  say(`== ${size} hosts (${hosts[0]!.name}..${hosts.at(-1)!.name}): lab up ${s(labUpMs)} for ${addedHosts} new hosts, ${mb(memPerHostKb)} each`);
  const wd = await makeWorkDir(work, hosts, lab);
  const list = await measure('node', [CLI, 'run', 'playbooks/sample.ts', '-i', wd.tsplayInventory, '--list-hosts'], { cwd: ROOT });
  await runTsplay('playbooks/sample-reset.ts', wd.tsplayInventory, lab);
  await sshAllOk(lab, hosts, WEBAPP_RESET_EXTRA, 'webapp reset');
  const firstRun = await runTsplay('playbooks/sample.ts', wd.tsplayInventory, lab);
  say(
    `  first apply ${s(firstRun.wallMs)} (start-up ${firstRun.startupMs} ms, ${firstRun.changed} changed, ${mb(firstRun.maxRssKb)}, CPU ${s(firstRun.cpuMs ?? 0)})`,
  );
  const noop: TsplayRun[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runTsplay('playbooks/sample.ts', wd.tsplayInventory, lab);
    if (r.changed !== 0) throw new Error(`no-op ${i + 1} at ${size} hosts changed ${r.changed}`);
    noop.push(r);
    say(
      `  no-op ${i + 1}: ${s(r.wallMs)} (start-up ${r.startupMs} ms, run ${r.runMs} ms, ${mb(r.maxRssKb)}, CPU ${s(r.cpuMs ?? 0)}, round trips ${Math.max(...r.roundTrips)})`,
    );
  }
  await runTsplay('playbooks/sample-reset.ts', wd.tsplayInventory, lab);
  results.push({
    hosts: size,
    labUpMs,
    addedHosts,
    memPerHostKb,
    listHosts: { wallMs: list.wallMs, maxRssKb: list.maxRssKb },
    first: firstRun,
    noop,
    load: loadavg()
      .map((x) => x.toFixed(1))
      .join(' '),
  });
}

await writeFile(
  join(ROOT, 'bench/scale.json'),
  `${JSON.stringify({ at: new Date().toISOString(), cpus: cpus().length, memGb: totalmem() / 2 ** 30, results }, null, 2)}\n`,
);
const pick = (rs: readonly TsplayRun[], f: (r: TsplayRun) => number) => median(rs.map(f));
say(
  `\nMachine: ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}; ${runs} no-op run(s), medians.\n`,
);
say(
  '| hosts | lab up (new hosts) | memory per lab host | first apply | machine busy (first) | no-op wall | no-op start-up | no-op run | peak RSS | added per host | CPU no-op | CPU per host | machine busy (no-op) | round trips/host | load after |',
);
say('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const rss = pick(r.noop, (x) => x.maxRssKb);
  const cpu = pick(r.noop, (x) => x.cpuMs ?? 0);
  say(
    `| ${r.hosts} | ${s(r.labUpMs)} (${r.addedHosts}) | ${r.addedHosts ? mb(r.memPerHostKb) : '-'} | ${s(r.first.wallMs)} | ${s(r.first.machineBusyMs ?? 0)} | ${s(pick(r.noop, (x) => x.wallMs))} | ${s(pick(r.noop, (x) => x.startupMs))} | ${s(pick(r.noop, (x) => x.runMs))} | ${mb(rss)} | ${mb((rss - r.listHosts.maxRssKb) / r.hosts)} (base ${mb(r.listHosts.maxRssKb)}) | ${s(cpu)} | ${(cpu / r.hosts).toFixed(1)} ms | ${s(pick(r.noop, (x) => x.machineBusyMs ?? 0))} | ${Math.max(...r.noop.flatMap((x) => x.roundTrips))} | ${r.load} |`,
  );
}
