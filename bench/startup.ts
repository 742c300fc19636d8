/**
 * The start-up experiment (not part of `npm run bench`): the same no-op (playbooks/sample.ts, converged
 * hosts) run by tsplay as shipped (ts-node loads TypeScript) and from the precompiled tree that
 * bench/precompile.ts writes, interleaved, with the SSH floor, at each size. Read-only on the hosts.
 *
 *   node --loader ts-node/esm/transpile-only --no-warnings bench/startup.ts /tmp/tsplay-js [3,10,30] [runs]
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchHosts, ensureBenchLab } from './lab.js';
import { measure } from './measure.js';
import { WEBAPP_PROBE } from './probes.js';
import { sshAll } from './ssh.js';
import { median, secs } from './stats.js';
import { CLI, ROOT } from './tools.js';
import { makeWorkDir, tsplayInventory } from './workdir.js';

const js = process.argv[2] ?? '/tmp/tsplay-js';
const sizes = (process.argv[3] ?? '3,10,30').split(',').map(Number);
const runs = Number(process.argv[4] ?? 3);
const lab = await ensureBenchLab(Math.max(...sizes), (l) => console.error(l));
const work = await mkdtemp(join(tmpdir(), 'tsplay-startup-'));

console.log('| hosts | shipped (ts-node) wall | CPU | peak RSS | precompiled JS wall | CPU | peak RSS | SSH floor |');
console.log('|---|---|---|---|---|---|---|---|');
for (const size of sizes) {
  const hosts = benchHosts(size);
  const wd = await makeWorkDir(work, hosts, lab);
  const jsInventory = join(js, `bench-inventory-${size}.js`);
  await writeFile(jsInventory, tsplayInventory(hosts, lab).replace(/'[^']*lib\/dsl\/inventory\.js'/, `'${js}/lib/dsl/inventory.js'`));
  const rows = { ts: [] as number[], tsCpu: [] as number[], tsRss: [] as number[], js: [] as number[], jsCpu: [] as number[], jsRss: [] as number[], floor: [] as number[] };
  for (let i = 0; i < runs; i++) {
    const a = await measure('node', [CLI, 'run', 'playbooks/sample.ts', '-i', wd.tsplayInventory, '--json'], { cwd: ROOT });
    const b = await measure('node', [join(js, 'bin.js'), 'run', join(js, 'playbooks/sample.js'), '-i', jsInventory, '--json'], { cwd: js });
    const f = await sshAll(lab, hosts, WEBAPP_PROBE);
    for (const [m, k] of [[a, 'ts'], [b, 'js']] as const) {
      if (m.code !== 0 || !m.stdout.includes('"changed":0')) throw new Error(`${k} run failed or changed something: ${m.stderr.slice(-500)}`);
      rows[k].push(m.wallMs);
      rows[`${k}Cpu`].push(m.cpuMs);
      rows[`${k}Rss`].push(m.maxRssKb);
    }
    rows.floor.push(f.ms);
  }
  const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
  console.log(`| ${size} | ${secs(median(rows.ts))} s | ${secs(median(rows.tsCpu))} s | ${mb(Math.max(...rows.tsRss))} | ${secs(median(rows.js))} s | ${secs(median(rows.jsCpu))} s | ${mb(Math.max(...rows.jsRss))} | ${secs(median(rows.floor))} s |`);
}
