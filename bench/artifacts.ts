/**
 * Pushing release binaries to many hosts, two ways (#15): the controller's SSH upload (every byte
 * encrypted by the controller) vs hosts fetching from the controller's own verified cache over HTTP
 * (`--serve-artifacts`, each host verifying the sha256 before the file lands). Size-faithful stand-ins:
 * padded archives of random bytes (incompressible, as binaries nearly are) of ~150 MB (a worker's set)
 * and ~300 MB (a control-plane host's), with their own checksums, in a scratch TSPLAY_CACHE; nothing is
 * downloaded. Each push is a fresh `tsplay run` under /usr/bin/time: wall time, the controller's user+sys
 * CPU, and per GB the CPU above a no-op run of the same playbook (start-up, facts and checks taken out). Hosts are reset (rm /opt/tsplay-bench) before each push and checked after it.
 * Run: node --loader ts-node/esm/transpile-only --no-warnings bench/artifacts.ts [--hosts lab-135..lab-229]
 *      [--set worker|control-plane] [--mb N (override the set's size)] [--modes ssh,http] [--serve 10.231.0.1:8088] [--keep]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { labPaths } from '../lib/lab/paths.js';
import { readState } from '../lib/lab/state.js';
import { sshBanner } from '../lib/lab/wait.js';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: 'lab-135..lab-229' },
    set: { type: 'string', default: 'worker' },
    mb: { type: 'string' },
    modes: { type: 'string', default: 'ssh,http' },
    serve: { type: 'string', default: '10.231.0.1:8088' },
    keep: { type: 'boolean', default: false },
  },
});

/** Each set's binaries and their share of its size (roughly the v1.34 amd64 binaries' proportions). */
const SETS: Record<string, { mb: number; files: Record<string, number> }> = {
  worker: { mb: 150, files: { kubelet: 0.55, 'kube-proxy': 0.3, flanneld: 0.08, bridge: 0.02, 'host-local': 0.02, loopback: 0.015, portmap: 0.015 } },
  'control-plane': {
    mb: 300,
    files: { 'kube-apiserver': 0.3, 'kube-controller-manager': 0.22, 'kube-scheduler': 0.1, kubectl: 0.12, kubelet: 0.16, 'kube-proxy': 0.1 },
  },
};
/** lab-1..34 run other sessions' tests: never touched here. */
const FIRST_ALLOWED = 35;
const root = join(import.meta.dirname, '..');
const BIN = join(root, 'lib/cli/bin.js');

function hostNames(spec: string): string[] {
  const names = spec.split(',').flatMap((part) => {
    const m = /^lab-(\d+)\.\.(?:lab-)?(\d+)$/.exec(part);
    if (!m) return [part];
    const out: string[] = [];
    for (let i = Number(m[1]); i <= Number(m[2]); i++) out.push(`lab-${i}`);
    return out;
  });
  const bad = names.filter((n) => !/^lab-\d+$/.test(n) || Number(n.slice(4)) < FIRST_ALLOWED);
  if (bad.length) throw new Error(`--hosts: only lab-${FIRST_ALLOWED} and up, as lab-A..lab-B or a comma list, got ${bad.slice(0, 5).join(', ')}`);
  return names;
}

/** The named hosts whose sshd answers (as `tsplay lab status` asks), in lab order. */
async function upHosts(names: readonly string[]): Promise<{ name: string; address: string }[]> {
  const state = await readState(labPaths().state);
  const known = (state?.hosts ?? []).filter((h) => names.includes(h.name));
  const up = await Promise.all(known.map((h) => sshBanner(h.address, 22, 3000)));
  return known.filter((_, i) => up[i]).map((h) => ({ name: h.name, address: h.address }));
}

/** A tar of padded stand-ins: random bytes, each file its share of `mb`. */
function standInArchive(dir: string, set: string, mb: number): { url: string; sha256: string; files: string[]; bytes: number } {
  const src = join(dir, `${set}-src`, 'bin');
  mkdirSync(src, { recursive: true });
  const chunk = Buffer.alloc(1 << 20);
  let bytes = 0;
  const files = Object.entries(SETS[set]!.files).map(([name, share]) => {
    const size = Math.round(mb * share * (1 << 20));
    const fd = openSync(join(src, name), 'w');
    for (let left = size; left > 0; left -= chunk.length) writeSync(fd, randomFillSync(chunk), 0, Math.min(left, chunk.length));
    closeSync(fd);
    bytes += size;
    return `bin/${name}`;
  });
  const tar = join(dir, `${set}.tar`);
  execFileSync('tar', ['-cf', tar, '-C', join(dir, `${set}-src`), 'bin']);
  rmSync(join(dir, `${set}-src`), { recursive: true });
  return { url: pathToFileURL(tar).href, sha256: createHash('sha256').update(readFileSync(tar)).digest('hex'), files, bytes };
}

function inventory(dir: string, hosts: readonly { name: string; address: string }[]): string {
  const file = join(dir, 'inventory.ts');
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    file,
    `import { defineInventory } from ${JSON.stringify(join(root, 'lib/dsl/inventory.js'))};
export default defineInventory({
  defaults: { user: 'root', port: 22, key: ${JSON.stringify(labPaths().key)} },
  hosts: {
${hosts.map((h) => `    '${h.name}': { address: '${h.address}' },`).join('\n')}
  },
});
`,
  );
  return file;
}

interface Timed {
  readonly code: number;
  readonly wall: number;
  readonly cpu: number;
  readonly rssMb: number;
  readonly out: string;
}

/** A tsplay command under /usr/bin/time: its exit code, wall and user+sys CPU seconds, max RSS. */
function timed(args: readonly string[], env: NodeJS.ProcessEnv): Timed {
  const r = spawnSync('/usr/bin/time', ['-f', 'TSPLAY_TIME %e %U %S %M', process.execPath, BIN, ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  const m = /TSPLAY_TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`no timing from /usr/bin/time:\n${r.stderr.slice(-2000)}`);
  return { code: r.status ?? -1, wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), rssMb: Number(m[4]) / 1024, out: `${r.stdout}\n${r.stderr}` };
}

async function main(): Promise<void> {
  const set = values.set!;
  if (!SETS[set]) throw new Error(`--set: worker or control-plane, got ${set}`);
  const mb = values.mb ? Number(values.mb) : SETS[set]!.mb;
  const modes = values.modes!.split(',');
  for (const m of modes) if (m !== 'ssh' && m !== 'http') throw new Error(`--modes: ssh and/or http, got ${m}`);
  if (!/^10\.231\.\d+\.\d+:\d+$/.test(values.serve!)) throw new Error(`--serve: an address of the lab network 10.231.0.0/16 with a port, got ${values.serve}`);
  const want = hostNames(values.hosts!);
  const hosts = await upHosts(want);
  if (hosts.length === 0) throw new Error(`none of ${values.hosts} is up (tsplay lab status)`);
  const say = (s: string) => process.stderr.write(`${s}\n`);
  say(`${hosts.length} of ${want.length} hosts up (${hosts[0]!.name} .. ${hosts[hosts.length - 1]!.name}); making a ${mb} MB ${set} stand-in`);
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-artifacts-bench-'));
  const art = standInArchive(dir, set, mb);
  const inv = inventory(dir, hosts);
  const env = { ...process.env, TSPLAY_CACHE: join(dir, 'cache'), TSPLAY_BENCH_ARTIFACT: JSON.stringify(art), NO_COLOR: '1' };
  const conn = ['-i', inv, '--known-hosts', labPaths().knownHosts];
  const playbook = join(root, 'bench/playbooks/artifacts.ts');
  const onHosts = (command: string) => timed(['exec', 'all', ...conn, '--', command], env);
  const want256 = new Map<string, string>();
  const rows: string[] = [];
  try {
    // Untimed: the archive into the cache and its members extracted (each timed run then only pushes).
    const prep = timed(['run', playbook, ...conn, '--check', '--limit', hosts[0]!.name], env);
    if (prep.code !== 0 && prep.code !== 2) throw new Error(`preparing the cache failed (exit ${prep.code}):\n${prep.out.slice(-3000)}`);
    const members = join(dir, 'cache', art.sha256);
    for (const f of art.files) {
      const localPath = execFileSync('find', [members, '-path', `*/${f}`, '-type', 'f'], { encoding: 'utf8' }).split('\n')[0]!;
      want256.set(f.split('/').pop()!, createHash('sha256').update(readFileSync(localPath)).digest('hex'));
    }
    for (const mode of modes) {
      const reset = onHosts('rm -rf /opt/tsplay-bench');
      if (reset.code !== 0) throw new Error(`resetting the hosts failed:\n${reset.out.slice(-3000)}`);
      say(`${mode}: pushing ${art.files.length} files, ${(art.bytes / 2 ** 20).toFixed(0)} MB, to ${hosts.length} hosts`);
      const t = timed(['run', playbook, ...conn, ...(mode === 'http' ? ['--serve-artifacts', values.serve!] : [])], env);
      if (t.code !== 0) throw new Error(`${mode} push failed (exit ${t.code}):\n${t.out.slice(-4000)}`);
      const fallbacks = (t.out.match(/sent it over SSH instead/g) ?? []).length;
      // Every host holds every file, byte for byte.
      const check = timed(['exec', 'all', ...conn, '--json', '--', 'cd /opt/tsplay-bench/bin && sha256sum -- *'], env);
      const got = new Map(
        check.out
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { host: string; stdout?: string })
          .map((j) => [j.host, j.stdout ?? '']),
      );
      const bad = hosts.filter((h) => [...want256].some(([f, s]) => !(got.get(h.name) ?? '').includes(`${s}  ${f}`)));
      if (check.code !== 0 || bad.length)
        throw new Error(`${mode}: hosts without the right files: ${bad.map((h) => h.name).join(', ') || check.out.slice(-2000)}`);
      // The same run again changes nothing: its CPU (start-up, facts, checks) is what the push is measured above.
      const noop = timed(['run', playbook, ...conn, ...(mode === 'http' ? ['--serve-artifacts', values.serve!] : [])], env);
      if (noop.code !== 0) throw new Error(`${mode} no-op run failed (exit ${noop.code}):\n${noop.out.slice(-3000)}`);
      const gb = (art.bytes * hosts.length) / 1e9;
      const push = Math.max(0, t.cpu - noop.cpu);
      rows.push(
        `| ${mode === 'ssh' ? 'SSH upload (controller encrypts)' : `HTTP fetch from ${values.serve}`} | ${hosts.length} | ${(art.bytes / 1e6).toFixed(0)} MB | ${gb.toFixed(2)} | ${t.wall.toFixed(1)} | ${noop.wall.toFixed(1)} | ${t.cpu.toFixed(1)} | ${noop.cpu.toFixed(1)} | ${(push / gb).toFixed(2)} | ${t.rssMb.toFixed(0)} | ${fallbacks} |`,
      );
      say(rows[rows.length - 1]!);
    }
  } finally {
    if (!values.keep) onHosts('rm -rf /opt/tsplay-bench');
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`Pushing the ${set} set (${art.files.length} files) with \`tsplay run\`, a fresh process each; every host checked byte for byte after.\n`);
  console.log(
    '| push | hosts | set | GB moved | wall s | no-op wall s | controller CPU s (user+sys) | no-op CPU s | push CPU s per GB (CPU - no-op) | max RSS MB | SSH fallbacks |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

main().catch((e: Error) => {
  process.stderr.write(`bench/artifacts: ${e.message}\n`);
  process.exit(1);
});
