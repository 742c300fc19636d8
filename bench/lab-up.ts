/** Bring up the benchmark's hosts (lab-8 ..) without the rest of the benchmark: `bench/lab-up.ts [N]`. */
import { benchHosts, ensureBenchLab } from './lab.js';

const n = Number(process.argv[2] ?? 30);
const t0 = Date.now();
await ensureBenchLab(n, (l) => console.log(l));
const hosts = benchHosts(n);
console.log(`${hosts[0]!.name}..${hosts[hosts.length - 1]!.name} running (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
