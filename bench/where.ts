/**
 * Where a tsplay no-op's time goes, inside one process: start-up with the SSH transport loaded, connecting to every
 * host at once (ssh2: TCP, key exchange, auth), one empty command, the floor's webapp probe script as one
 * command, closing. Compare with bench/run.ts's floor (OpenSSH) and tsplay's start-up.
 *
 *   node --loader ts-node/esm/transpile-only --no-warnings bench/where.ts [hosts] [repeats]
 */
import { benchHosts } from './lab.js';
import { labPaths } from '../lib/lab/paths.js';
import { WEBAPP_PROBE } from './probes.js';
import { median } from './stats.js';
import { connectSsh } from '../lib/transport/ssh.js';

const n = Number(process.argv[2] ?? 3);
const repeats = Number(process.argv[3] ?? 5);
const paths = labPaths();
// performance.now() counts from process start: this is Node start-up plus loading every import (TypeScript).
const startupMs = performance.now();
let t = 0;
const hosts = benchHosts(n).map((h) => ({ ...h, port: 22, user: 'root', key: paths.key, transport: 'ssh' as const, groups: ['all'], vars: {} }));
const rows: Record<string, number[]> = { connect: [], 'empty command': [], 'probe script': [], close: [] };
for (let i = 0; i < repeats; i++) {
  t = performance.now();
  const conns = await Promise.all(hosts.map((h) => connectSsh(h, { knownHosts: paths.knownHosts })));
  rows.connect!.push(performance.now() - t);
  t = performance.now();
  await Promise.all(conns.map((c) => c.exec('true')));
  rows['empty command']!.push(performance.now() - t);
  t = performance.now();
  const r = await Promise.all(conns.map((c) => c.exec(`sh -s <<'EOF_PROBE'\n${WEBAPP_PROBE}EOF_PROBE`)));
  rows['probe script']!.push(performance.now() - t);
  if (r.some((x) => x.exitCode !== 0)) throw new Error(`probe failed: ${r.map((x) => x.stderr).join(' ')}`);
  t = performance.now();
  await Promise.all(conns.map((c) => c.close()));
  rows.close!.push(performance.now() - t);
}
console.log(`${n} hosts, ${repeats} repeats, medians (ms); start-up with imports: ${startupMs.toFixed(0)} ms`);
for (const [k, v] of Object.entries(rows)) console.log(`${k.padEnd(14)} ${median(v).toFixed(0).padStart(6)}`);
