/**
 * tsplay vs Ansible on real lab hosts (lab-8 and up; lab-1..lab-7 are other people's), one command:
 *
 *   npm run bench -- [--hosts 3,10,30] [--runs 3 | 3,3,2] [--no-pki] [--merge]
 *   node --loader ts-node/esm/transpile-only bench/run.ts [same options]
 *
 * For each size: for each run, for each workload (webapp = playbooks/sample.ts vs bench/ansible/webapp.yml,
 * prereqs = bench/playbooks/prereqs.ts vs bench/ansible/prereqs.yml): an untimed reset, first apply, no-op,
 * for each tool in turn (the order alternates between runs), then the raw SSH floor. Then the PKI benchmark.
 * --runs takes one count, or one per size (3,3,2). --merge keeps bench/results.json's samples of the other sizes. Writes bench/results.json (raw) and bench/RESULTS.md (tables and target verdicts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { assertRunning, benchHosts, ensureBenchLab, type BenchHost, type LabInfo } from './lab.js';
import { measure } from './measure.js';
import { PREREQS_PROBE, PREREQS_RESET, WEBAPP_PROBE, WEBAPP_RESET_EXTRA } from './probes.js';
import { renderReport } from './report.js';
import { fetchDebs, prepareForAnsible } from './setup.js';
import { sshAll, sshAllOk } from './ssh.js';
import { CLI, ROOT, runAnsible, runTsplay } from './tools.js';
import type { Machine, Results, Tool, Workload } from './types.js';
import { makeWorkDir, type WorkDir } from './workdir.js';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '3,10,30' },
    runs: { type: 'string', default: '3' },
    'no-pki': { type: 'boolean', default: false },
    merge: { type: 'boolean', default: false },
  },
});
const sizes = values.hosts.split(',').map(Number);
// --runs N, or one count per size (--hosts 3,10,30 --runs 3,3,2).
const runList = values.runs.split(',').map(Number);
const runsAt = (i: number) => runList[Math.min(i, runList.length - 1)]!;
const runs = Math.max(...runList);
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || runList.some((r) => !Number.isInteger(r) || r < 1))
  throw new Error('usage: bench/run.ts [--hosts 3,10,30] [--runs 3 | --runs 3,3,2]');

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const say = (l: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${l}`);
const loadavg = async () => (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');
const topCpu = () => sh('sh', ['-c', "top -b -c -w 150 -n 2 -d 1 | awk '/^top -/{i++} i==2' | sed -n '1p;3p;7,14p'"]).trimEnd();
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const WORKLOADS: Record<Workload, { tsplay: string; reset: string | undefined; resetExtra: string; ansible: string; probe: string }> = {
  webapp: {
    tsplay: 'playbooks/sample.ts',
    reset: 'playbooks/sample-reset.ts',
    resetExtra: WEBAPP_RESET_EXTRA,
    ansible: here('ansible/webapp.yml'),
    probe: WEBAPP_PROBE,
  },
  prereqs: { tsplay: 'bench/playbooks/prereqs.ts', reset: undefined, resetExtra: PREREQS_RESET, ansible: here('ansible/prereqs.yml'), probe: PREREQS_PROBE },
};

function machine(): Machine {
  return {
    nproc: Number(sh('nproc', []).trim()),
    memGb: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    ansible: sh('ansible-playbook', ['--version']).split('\n')[0]!.trim(),
    ssh: sh('sh', ['-c', 'ssh -V 2>&1']).trim(),
    cpu: cpus()[0]?.model ?? 'unknown',
  };
}

async function reset(w: Workload, wd: WorkDir, lab: LabInfo, hosts: readonly BenchHost[]): Promise<void> {
  const spec = WORKLOADS[w];
  if (spec.reset) await runTsplay(spec.reset, wd.tsplayInventory, lab);
  await sshAllOk(lab, hosts, spec.resetExtra, `${w} reset`);
}

const results: Results = {
  startedAt: new Date().toISOString(),
  machine: machine(),
  sizes,
  runs,
  load: { before: await loadavg(), samples: [], topBefore: topCpu() },
  samples: [],
  floors: [],
  baselines: [],
  errors: [],
};
if (values.merge) {
  const prior = JSON.parse(await readFile(here('results.json'), 'utf8')) as Results;
  const keep = <T extends { size: number }>(xs: readonly T[]) => xs.filter((x) => !sizes.includes(x.size));
  results.samples.push(...keep(prior.samples));
  results.floors.push(...keep(prior.floors));
  results.baselines.push(...keep(prior.baselines));
  results.errors.push(...prior.errors);
  results.load.samples.push(...prior.load.samples.map((s) => `(earlier run, ${prior.startedAt.slice(0, 10)}) ${s}`));
  Object.assign(results, {
    startedAt: prior.startedAt,
    sizes: [...new Set([...prior.sizes, ...sizes])].sort((a, b) => a - b),
    runs: Math.max(prior.runs, runs),
  });
  Object.assign(results.load, { before: `${prior.load.before} (first part), ${results.load.before} (this part)`, topBefore: prior.load.topBefore });
}
const save = async () => {
  await writeFile(here('results.json'), `${JSON.stringify(results, null, 1)}\n`);
  await writeFile(here('RESULTS.md'), renderReport(results));
};

const work = await mkdtemp(join(tmpdir(), 'tsplay-bench-'));
say(`work dir ${work}; load ${results.load.before}`);
const debs = await fetchDebs(join(tmpdir(), 'tsplay-bench-debs'));
const lab = await ensureBenchLab(Math.max(...sizes), say);

for (const [i, size] of sizes.entries()) {
  const hosts = benchHosts(size);
  await assertRunning(size);
  const wd = await makeWorkDir(work, hosts, lab);
  await prepareForAnsible(lab, hosts, debs);
  results.load.samples.push(`${new Date().toISOString().slice(11, 19)} before ${size} hosts: ${await loadavg()}`);
  say(`== ${size} hosts (${hosts[0]!.name}..${hosts[hosts.length - 1]!.name})`);
  for (let run = 1; run <= runsAt(i); run++) {
    const node = await measure('node', ['-e', '0']);
    const list = await measure('node', [CLI, 'run', 'playbooks/sample.ts', '-i', wd.tsplayInventory, '--list-hosts'], { cwd: ROOT });
    results.baselines.push({ size, nodeMs: node.wallMs, listHostsMs: list.wallMs, listHostsRssKb: list.maxRssKb });
    for (const workload of ['webapp', 'prereqs'] as const) {
      const spec = WORKLOADS[workload];
      const order: Tool[] = run % 2 ? ['tsplay', 'ansible'] : ['ansible', 'tsplay'];
      for (const tool of order) {
        await reset(workload, wd, lab, hosts);
        for (const phase of ['first', 'noop'] as const) {
          try {
            if (tool === 'tsplay') {
              const result = await runTsplay(spec.tsplay, wd.tsplayInventory, lab, join(wd.dir, 'logs', `tsplay-${workload}-${run}-${phase}.jsonl`));
              results.samples.push({ size, run, workload, phase, tool, result });
              say(
                `${size} hosts run ${run} ${workload} tsplay ${phase}: ${(result.wallMs / 1000).toFixed(2)} s (start-up ${result.startupMs} ms, run ${result.runMs} ms, ${result.changed} changed, round trips ${Math.max(...result.roundTrips)}, ${Math.round(result.maxRssKb / 1024)} MB)`,
              );
            } else {
              const result = await runAnsible(spec.ansible, wd, hosts, `${workload}-${run}-${phase}`);
              results.samples.push({ size, run, workload, phase, tool, result });
              say(
                `${size} hosts run ${run} ${workload} ansible ${phase}: ${(result.wallMs / 1000).toFixed(2)} s (${result.changed} changed, ${Math.round((result.treePssKb ?? 0) / 1024)} MB PSS)`,
              );
            }
          } catch (e) {
            results.errors.push(`${size} hosts run ${run} ${workload} ${tool} ${phase}: ${(e as Error).message}`);
            say(`ERROR ${results.errors[results.errors.length - 1]}`);
          }
        }
      }
      const connect = await sshAll(lab, hosts, 'exit 0\n');
      const probe = await sshAll(lab, hosts, spec.probe);
      const bad = [...connect.results, ...probe.results].filter((r) => r.code !== 0);
      if (bad.length > 0) results.errors.push(`floor ${workload} at ${size}: ${bad.map((r) => `${r.host} exit ${r.code}`).join(', ')}`);
      results.floors.push({ size, run, workload, probeMs: probe.ms, connectMs: connect.ms });
      say(`${size} hosts run ${run} ${workload} floor: ${(probe.ms / 1000).toFixed(2)} s (connect only ${(connect.ms / 1000).toFixed(2)} s)`);
    }
    await save();
  }
  results.load.samples.push(`${new Date().toISOString().slice(11, 19)} after ${size} hosts: ${await loadavg()}`);
}

if (!values['no-pki']) {
  say('PKI benchmark');
  const pki = await measure('node', ['--loader', 'ts-node/esm/transpile-only', '--no-warnings', 'bench/pki.ts'], { cwd: ROOT });
  results.pki = pki.code === 0 ? pki.stdout.trim() : `failed (exit ${pki.code}): ${pki.stderr.trim().split('\n').slice(-5).join('\n')}`;
  results.pki += `\n(wall ${(pki.wallMs / 1000).toFixed(1)} s with node start-up; peak RSS ${Math.round(pki.maxRssKb / 1024)} MB)`;
}
results.load.after = await loadavg();
results.load.topAfter = topCpu();
results.finishedAt = new Date().toISOString();
await save();
console.log(renderReport(results));
