/**
 * Where a first apply's time goes (#15): the sample web app (playbooks/sample.ts) reset and applied on N lab
 * hosts (lab-35 and up by default), several times, with per run: wall time, round trips per host, the
 * attempts its gate took, the whole machine's busy CPU (/proc/stat) and the lab hosts' CPU by systemd unit
 * (their cgroup v2 cpu.stat: init.scope is systemd itself, user.slice the SSH sessions and what they run,
 * webapp.service the app). With --perf, also `perf record -a` over one extra run, CPU by command name.
 * The hosts share the controller's CPUs: a first apply is bound by what runs on them.
 *
 *   node --loader ts-node/esm/transpile-only --no-warnings bench/first-apply.ts [--hosts 30] [--first 35] [--runs 3] [--perf]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { labHosts } from '../lib/lab/network.js';
import { labPaths } from '../lib/lab/paths.js';
import { labUp } from '../lib/lab/up.js';
import { machineBusyMs, measure } from './measure.js';
import { WEBAPP_RESET_EXTRA } from './probes.js';
import { sshAllOk } from './ssh.js';
import { CLI, ROOT, runTsplay } from './tools.js';
import { makeWorkDir } from './workdir.js';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '30' },
    first: { type: 'string', default: '35' },
    runs: { type: 'string', default: '3' },
    perf: { type: 'boolean', default: false },
  },
});
const size = Number(values.hosts);
const first = Number(values.first);
const runs = Number(values.runs);
if (!(size >= 1) || !(first >= 1) || !(runs >= 1)) throw new Error('usage: bench/first-apply.ts [--hosts 30] [--first 35] [--runs 3] [--perf]');

const paths = labPaths();
const lab = { key: paths.key, knownHosts: paths.knownHosts };
const hosts = labHosts(first - 1 + size).slice(first - 1);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** CPU seconds each unit of the lab hosts has used so far, summed over the hosts (cgroup v2, kept for dead children too). */
function hostCpu(): Map<string, number> {
  const out = new Map<string, number>();
  const add = (k: string, file: string) => {
    try {
      const usec = Number(/usage_usec (\d+)/.exec(readFileSync(file, 'utf8'))![1]);
      out.set(k, (out.get(k) ?? 0) + usec / 1e6);
    } catch {
      // a unit not on this host
    }
  };
  for (const h of hosts) {
    const base = `/sys/fs/cgroup/unified/tsplay-lab/${h.name}/payload`;
    add('all of the host', `${base}/cpu.stat`);
    for (const unit of [
      'init.scope',
      'user.slice',
      'system.slice/webapp.service',
      'system.slice/ssh.service',
      'system.slice/dbus.service',
      'system.slice/systemd-journald.service',
      'system.slice/systemd-logind.service',
    ])
      add(unit.replace('system.slice/', ''), `${base}/${unit}/cpu.stat`);
  }
  return out;
}

// labUp regenerates inventory/lab.ts for every host; the project's file stays what it was.
const inventory = existsSync(paths.inventory) ? readFileSync(paths.inventory, 'utf8') : undefined;
// `lab up --hosts N` also removes hosts above N: grow only.
const up = existsSync(paths.state) ? (JSON.parse(readFileSync(paths.state, 'utf8')) as { hosts: unknown[] }).hosts.length : 0;
await labUp({ hosts: Math.max(up, first - 1 + size), say: () => undefined });
if (inventory !== undefined) writeFileSync(paths.inventory, inventory);
const wd = await makeWorkDir(join(ROOT, 'node_modules/.cache/tsplay-bench-first-apply'), hosts, lab);
const reset = async () => {
  await runTsplay('playbooks/sample-reset.ts', wd.tsplayInventory, lab);
  await sshAllOk(lab, hosts, WEBAPP_RESET_EXTRA, 'webapp reset');
  await new Promise((r) => setTimeout(r, 3000)); // the reset's sessions and units settle
};

interface Sample {
  wallMs: number;
  busyMs: number;
  controllerCpuMs: number;
  roundTrips: number[];
  gateAttempts: number[];
  units: Map<string, number>;
}
const samples: Sample[] = [];
for (let i = 0; i < runs; i++) {
  await reset();
  const before = hostCpu();
  const busy0 = machineBusyMs();
  const m = await measure('node', [CLI, 'run', 'playbooks/sample.ts', '-i', wd.tsplayInventory, '--json', '--known-hosts', lab.knownHosts], { cwd: ROOT });
  const busyMs = machineBusyMs() - busy0;
  const after = hostCpu();
  const events = m.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { kind: string; status?: string; attempt?: number; roundTrips?: number });
  if (m.code !== 0) throw new Error(`first apply ${i + 1} exited ${m.code}:\n${m.stderr.slice(-2000)}`);
  samples.push({
    wallMs: m.wallMs,
    busyMs,
    controllerCpuMs: m.cpuMs,
    roundTrips: events.filter((e) => e.kind === 'role-end').map((e) => e.roundTrips!),
    gateAttempts: events.filter((e) => e.kind === 'gate' && e.status === 'ok').map((e) => e.attempt!),
    units: new Map([...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)])),
  });
  console.log(`first apply ${i + 1}: ${s(m.wallMs)}, machine busy ${s(busyMs)}, controller CPU ${s(m.cpuMs)}`);
}

const spread = (xs: readonly number[]) => `${Math.min(...xs)}-${Math.max(...xs)}`;
console.log(`\n${size} hosts (${hosts[0]!.name}..${hosts.at(-1)!.name}), ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), ${runs} first applies, medians\n`);
console.log('| first apply | machine busy | of available | controller CPU | round trips/host | gate passed at attempt |');
console.log('|---|---|---|---|---|---|');
const wall = median(samples.map((x) => x.wallMs));
console.log(
  `| ${s(wall)} | ${s(median(samples.map((x) => x.busyMs)))} | ${s(wall * cpus().length)} | ${s(median(samples.map((x) => x.controllerCpuMs)))} | ${spread(samples.flatMap((x) => x.roundTrips))} | ${spread(samples.flatMap((x) => x.gateAttempts))} |`,
);
console.log("\n| lab hosts' CPU by unit (all hosts, median s) | |\n|---|---|");
for (const k of [...samples[0]!.units.keys()].sort((a, b) => samples[0]!.units.get(b)! - samples[0]!.units.get(a)!))
  console.log(`| ${k} | ${median(samples.map((x) => x.units.get(k) ?? 0)).toFixed(2)} s |`);

if (values.perf) {
  await reset();
  const data = join(wd.dir, 'perf.data');
  execFileSync(
    'perf',
    ['record', '-a', '-F', '499', '-o', data, '--', 'node', CLI, 'run', 'playbooks/sample.ts', '-i', wd.tsplayInventory, '--known-hosts', lab.knownHosts],
    {
      cwd: ROOT,
      stdio: 'ignore',
    },
  );
  const report = execFileSync('perf', ['report', '-i', data, '--sort', 'comm', '--stdio'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const rows = report
    .split('\n')
    .filter((l) => /^\s+\d/.test(l))
    .slice(0, 20)
    .map((l) => l.trim().split(/\s+/));
  console.log('\n| command (perf record -a, one more first apply) | share of samples |\n|---|---|');
  for (const [pct, comm] of rows) console.log(`| ${comm} | ${pct} |`);
}
await reset();
