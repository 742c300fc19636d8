/**
 * A 100-node cluster in the lab (issue #15): 3 etcd + control-plane hosts, 2 load balancers (haproxy +
 * keepalived, VIP 10.231.0.6, router id 80), 95 workers, on lab-35 and up by default (clear of the suites'
 * lab-1..34). The Kubernetes server binaries and flanneld are the test stand-ins (test/fixtures/standins,
 * as in the e2e suites); etcd, haproxy, keepalived, firewalld, containerd and systemd are real.
 * site.ts's first converge and a no-op, each timed per role: the span from the role's start to its last
 * host's end, and the slowest host's own time in it.
 *
 *   node --loader ts-node/esm/transpile-only --no-warnings bench/cluster100.ts [--first 35] [--workers 95] [--noop-only]
 *
 * Prints a markdown table; raw figures in bench/cluster100.json. Leaves the hosts converged (lab down clears them).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { labHosts } from '../lib/lab/network.js';
import { labPaths } from '../lib/lab/paths.js';
import { labUp } from '../lib/lab/up.js';
import { measure } from './measure.js';
import { CLI, ROOT } from './tools.js';

const { values } = parseArgs({
  options: { first: { type: 'string', default: '35' }, workers: { type: 'string', default: '95' }, 'noop-only': { type: 'boolean', default: false } },
});
const first = Number(values.first);
const workers = Number(values.workers);
const size = 5 + workers;
const hosts = labHosts(first - 1 + size).slice(first - 1);
const [masters, lbs, nodes] = [hosts.slice(0, 3), hosts.slice(3, 5), hosts.slice(5)];
const say = (l: string) => console.log(l);
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const paths = labPaths();
const work = join(ROOT, 'node_modules/.cache/tsplay-bench-cluster100');
await mkdir(work, { recursive: true });
const names = (hs: readonly { name: string }[]) => hs.map((h) => `'${h.name}'`).join(', ');
const fixture = (f: string) => join(ROOT, 'test/fixtures/standins', f);
await writeFile(join(work, 'package.json'), '{ "type": "module" }\n');
const inventory = join(work, 'inventory.ts');
await writeFile(
  inventory,
  `import { packStandins } from '${fixture('pack.js')}';
import { STANDIN_API_LIMITS } from '${fixture('limits.js')}';
const packed = packStandins(undefined, { realCni: true });
export default {
  defaults: { user: 'root', port: 22, key: '${paths.key}' },
  hosts: {
${hosts.map((h, i) => `    '${h.name}': { address: '${h.address}'${i === 3 ? ', vars: { keepalived_priority: 150 }' : i === 4 ? ', vars: { keepalived_priority: 100 }' : ''} },`).join('\n')}
  },
  groups: {
    etcd: { hosts: [${names(masters)}] },
    masters: { hosts: [${names(masters)}] },
    workers: { hosts: [${names(nodes)}] },
    k8s: { children: ['masters', 'workers'] },
    lb: { hosts: [${names(lbs)}], vars: { vip_interface: 'host0', keepalived_router_id: 80 } },
  },
  vars: {
    cluster_name: 'bench100',
    vip: '10.231.0.6',
    pki_dir: '${join(work, 'pki')}',
    cgroup_driver: 'cgroupfs',
    runtime_snapshotter: 'native',
    k8s_artifacts: packed.overrides,
    ...STANDIN_API_LIMITS,
  },
};
`,
);

// labUp regenerates inventory/lab.ts for every host; the project's file stays what it was.
const saved = await readFile(paths.inventory, 'utf8').catch(() => undefined);
const t = performance.now();
await labUp({ hosts: first - 1 + size, say: () => undefined });
if (saved !== undefined) await writeFile(paths.inventory, saved);
say(`lab up to ${hosts.at(-1)!.name}: ${s(performance.now() - t)}`);

interface Ev {
  kind: string;
  time: string;
  role?: string;
  host?: string;
  ms?: number;
  changed?: number;
  stats?: { ms: number; hosts: Record<string, { changed: number; failed: number; unreachable: boolean; roundTrips: number }> };
}
interface RoleTime {
  role: string;
  spanMs: number;
  slowestHostMs: number;
  changed: number;
}

async function site(what: string): Promise<{ wallMs: number; cpuMs: number; machineBusyMs: number; maxRssKb: number; changed: number; roles: RoleTime[] }> {
  const m = await measure('node', [CLI, 'run', 'playbooks/site.ts', '-i', inventory, '--json', '--known-hosts', paths.knownHosts], { cwd: ROOT });
  await writeFile(join(work, `${what}.jsonl`), m.stdout);
  const events = m.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Ev);
  const end = events.find((e) => e.kind === 'run-end');
  const bad = Object.entries(end?.stats?.hosts ?? {}).filter(([, h]) => h.failed > 0 || h.unreachable);
  if (m.code !== 0 || !end?.stats || bad.length)
    throw new Error(`site.ts ${what} failed (exit ${m.code}; ${bad.map(([n]) => n).join(', ')}):\n${m.stderr.split('\n').slice(-20).join('\n')}`);
  const roles = new Map<string, { start: number; end: number; slowest: number; changed: number }>();
  for (const e of events) {
    if (!e.role || (e.kind !== 'role-start' && e.kind !== 'role-end')) continue;
    const at = Date.parse(e.time);
    const r = roles.get(e.role) ?? { start: at, end: at, slowest: 0, changed: 0 };
    r.start = Math.min(r.start, at);
    r.end = Math.max(r.end, at);
    if (e.kind === 'role-end') {
      r.slowest = Math.max(r.slowest, e.ms ?? 0);
      r.changed += e.changed ?? 0;
    }
    roles.set(e.role, r);
  }
  return {
    wallMs: m.wallMs,
    cpuMs: m.cpuMs,
    machineBusyMs: m.machineBusyMs,
    maxRssKb: m.maxRssKb,
    changed: Object.values(end.stats.hosts).reduce((a, h) => a + h.changed, 0),
    roles: [...roles].map(([role, r]) => ({ role, spanMs: r.end - r.start, slowestHostMs: r.slowest, changed: r.changed })),
  };
}

const report = (what: string, r: Awaited<ReturnType<typeof site>>) =>
  say(
    `${what}: ${s(r.wallMs)}, ${r.changed} changed, controller CPU ${s(r.cpuMs)}, machine busy ${s(r.machineBusyMs)} (of ${s(r.wallMs * cpus().length)} on ${cpus().length} CPUs), peak RSS ${(r.maxRssKb / 1024).toFixed(0)} MB`,
  );
// --noop-only: the hosts are already converged (an earlier run); time the no-op alone.
const converge = values['noop-only'] ? undefined : await site('converge');
if (converge) report('first converge', converge);
const noop = await site('noop');
report('no-op', noop);
if (!converge) process.exit(0);
await writeFile(
  join(ROOT, 'bench/cluster100.json'),
  `${JSON.stringify({ at: new Date().toISOString(), cpus: cpus().length, hosts: size, converge, noop }, null, 2)}\n`,
);

say(
  `\nMachine: ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}; ${size} hosts (3 etcd + control plane, 2 lb, ${workers} workers).\n`,
);
say('| role | converge span | slowest host | changed | no-op span | slowest host |');
say('|---|---|---|---|---|---|');
for (const r of converge.roles) {
  const n = noop.roles.find((x) => x.role === r.role);
  say(`| ${r.role} | ${s(r.spanMs)} | ${s(r.slowestHostMs)} | ${r.changed} | ${n ? s(n.spanMs) : '-'} | ${n ? s(n.slowestHostMs) : '-'} |`);
}
say(`| **whole run** (wall, spawn to exit) | ${s(converge.wallMs)} | | ${converge.changed} | ${s(noop.wallMs)} | |`);
