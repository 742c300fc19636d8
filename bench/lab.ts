/**
 * The benchmark's lab hosts: lab-8 and up only (lab-1..lab-7 belong to other people's tests, which run at
 * the same time). Grows the lab with labUp only when a needed host is not running, refuses when that would
 * reboot lab-1..lab-7 (a changed image recipe), puts back the /etc/hosts of lab-1..lab-7 that labUp
 * rewrites on kept hosts (when nobody changed it since), and puts back inventory/lab.ts, which labUp regenerates.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { labUp } from '../lib/lab/up.js';
import { labPaths, hostDirs } from '../lib/lab/paths.js';
import { readState } from '../lib/lab/state.js';
import { labProcesses } from '../lib/lab/procs.js';
import { labHosts, etcHosts } from '../lib/lab/network.js';
import { RECIPE, recipeHash } from '../lib/lab/recipe.js';

/** The first lab host the benchmark may use (1-based). */
export const FIRST = 8;
const OTHERS = FIRST - 1;

export interface BenchHost {
  readonly name: string;
  readonly address: string;
}

export interface LabInfo {
  readonly key: string;
  readonly knownHosts: string;
}

/** lab-8 .. lab-(7+n). */
export const benchHosts = (n: number): BenchHost[] => labHosts(OTHERS + n).slice(OTHERS);

/** Which of the given hosts are not running on the current image. */
async function missing(names: readonly string[]): Promise<string[]> {
  const paths = labPaths();
  const state = await readState(paths.state);
  const image = join(paths.images, recipeHash(RECIPE));
  const procs = labProcesses(paths.hosts);
  const up = new Set((state?.hosts ?? []).filter((h) => h.image === image && procs.some((p) => p.host === h.name && p.pid === h.pid)).map((h) => h.name));
  return names.filter((n) => !up.has(n));
}

/** Make lab-8..lab-(7+n) run; returns the key and known_hosts to reach them. */
export async function ensureBenchLab(n: number, say: (l: string) => void): Promise<LabInfo> {
  const paths = labPaths();
  const info = { key: paths.key, knownHosts: paths.knownHosts };
  const want = benchHosts(n).map((h) => h.name);
  const absent = await missing(want);
  if (absent.length === 0) return info;
  const state = await readState(paths.state);
  const size = Math.max(OTHERS + n, state?.hosts.length ?? 0);
  const others = labHosts(OTHERS).map((h) => h.name);
  const othersDown = await missing(others);
  const image = join(paths.images, recipeHash(RECIPE));
  const onOldImage = (state?.hosts ?? []).filter((h) => others.includes(h.name) && h.image !== image && !othersDown.includes(h.name));
  if (onOldImage.length > 0) throw new Error(`lab-1..lab-${OTHERS} run on an older image; growing the lab would reboot them under other people's tests`);
  const saved = new Map<string, string>();
  for (const h of others) {
    if (othersDown.includes(h)) continue;
    saved.set(h, await readFile(join(hostDirs(paths, h).root, 'etc/hosts'), 'utf8').catch(() => ''));
  }
  // labUp rewrites inventory/lab.ts for all hosts; the project's file stays what it was (the 7-host lab).
  const inventory = await readFile(paths.inventory, 'utf8').catch(() => undefined);
  say(`lab up --hosts ${size} (missing: ${absent.join(', ')})`);
  await labUp({ hosts: size, say });
  if (inventory !== undefined) await writeFile(paths.inventory, inventory);
  const written = etcHosts(labHosts(size));
  for (const [h, before] of saved) {
    const file = join(hostDirs(paths, h).root, 'etc/hosts');
    if (before && before !== written && (await readFile(file, 'utf8').catch(() => '')) === written) await writeFile(file, before);
  }
  const still = await missing(want);
  if (still.length > 0) throw new Error(`lab hosts not running after lab up: ${still.join(', ')}`);
  return info;
}

/** Fail early when someone shrank the lab under the benchmark. */
export async function assertRunning(n: number): Promise<void> {
  const absent = await missing(benchHosts(n).map((h) => h.name));
  if (absent.length > 0) throw new Error(`bench hosts stopped during the run (lab shrunk by someone?): ${absent.join(', ')}`);
}
