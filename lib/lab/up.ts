/**
 * `lab up`: make the lab exactly N running hosts. Hosts already running on the current image are kept;
 * anything else the lab owns (a host beyond N, a crashed host, a stale nspawn, mount or veth from a killed
 * lab) is cleaned away first, then the missing hosts are prepared, booted in parallel and waited for.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureImage, ensurePrerequisites } from './image.js';
import { bootHost, hostRunning, prepareHost, stopHost } from './host.js';
import { writeInventory } from './inventory-file.js';
import { ensureClientKey, knownHostsText } from './keys.js';
import { updateUserKnownHosts } from './user-known-hosts.js';
import { ensureBridge, labHosts, mergeEtcHosts, NET } from './network.js';
import { hostDirs, labPaths, type LabPaths } from './paths.js';
import { preflight } from './preflight.js';
import { labMounts, labProcesses } from './procs.js';
import { RECIPE, recipeHash } from './recipe.js';
import { LabError, type Say } from './run.js';
import { readState, writeState, type HostState, type LabState } from './state.js';
import { waitForSystemd } from './ready.js';
import { waitForSsh } from './wait.js';

export interface UpOptions {
  readonly hosts?: number;
  readonly paths?: LabPaths;
  readonly say?: Say;
  readonly bootTimeoutMs?: number;
}

export async function labUp(opts: UpOptions = {}): Promise<LabState> {
  const paths = opts.paths ?? labPaths();
  const say = opts.say ?? (() => undefined);
  await preflight(paths.root, !existsSync(join(paths.images, recipeHash(RECIPE), 'etc/os-release')));
  await ensurePrerequisites(say);
  const image = await ensureImage(paths.images, RECIPE, say);
  await raiseInotifyLimits();
  const clientKey = await ensureClientKey(paths.key);
  const previous = await readState(paths.state);
  const desired = labHosts(opts.hosts ?? previous?.hosts.length ?? 3);
  const procs = labProcesses(paths.hosts);
  const kept = (previous?.hosts ?? []).filter(
    (h) => desired.some((d) => d.name === h.name && d.address === h.address) && h.image === image && hostRunning(procs, h.name, h.pid),
  );
  const keptNames = new Set(kept.map((h) => h.name));

  const stale = [...ownedNames(paths, previous)].filter((n) => !keptNames.has(n));
  if (stale.length > 0) say(`cleaning up ${stale.length} stopped, stale or surplus host(s): ${stale.join(', ')}`);
  await Promise.all(stale.map((n) => stopHost(paths, n, { purge: true })));
  await ensureBridge();

  const fresh = desired.filter((d) => !keptNames.has(d.name));
  if (kept.length > 0) say(`keeping ${kept.length} running host(s)`);
  if (fresh.length > 0) say(`booting ${fresh.length} host(s): ${fresh.map((h) => h.name).join(', ')}`);
  const booted: HostState[] = await Promise.all(
    fresh.map(async (spec) => {
      const hostKey = await prepareHost(paths, spec, desired, clientKey);
      const pid = await bootHost(paths, image, spec);
      return { ...spec, pid, hostKey, image, bootedAt: new Date().toISOString() };
    }),
  );
  // Kept hosts learn about new peers through their live /etc/hosts; what else it holds stays.
  await Promise.all(
    kept.map(async (h) => {
      const file = join(hostDirs(paths, h.name).root, 'etc/hosts');
      const now = await readFile(file, 'utf8').catch(() => '');
      const next = mergeEtcHosts(now, desired);
      if (next !== now) await writeFile(file, next);
    }),
  );

  const hosts = desired.map((d) => kept.find((h) => h.name === d.name) ?? booted.find((h) => h.name === d.name)!);
  const state: LabState = { version: 1, bridge: NET.bridge, key: paths.key, knownHosts: paths.knownHosts, hosts };
  await writeState(paths.state, state);
  const known = knownHostsText(hosts);
  await writeFile(paths.knownHosts, known);
  await updateUserKnownHosts(known);
  await writeInventory(paths.inventory, desired, paths.key, paths.knownHosts);
  const started = Date.now();
  const secs = () => ((Date.now() - started) / 1000).toFixed(1);
  await waitForSsh(
    hosts.map((h) => ({ ...h, log: hostDirs(paths, h.name).log })),
    opts.bootTimeoutMs ?? 90_000,
  );
  const sshd = secs();
  const failed = [...(await waitForSystemd(hosts, paths.key, paths.knownHosts, opts.bootTimeoutMs ?? 90_000))].filter(([, units]) => units.length > 0);
  if (failed.length > 0) say(`warning: failed units on ${failed.map(([n, units]) => `${n}: ${units.join(', ')}`).join('; ')}`);
  say(`${hosts.length} host(s) up (sshd answered ${sshd} s after boot, systemd done after ${secs()} s); inventory: ${paths.inventory}`);
  return state;
}

/** Every host name the lab has traces of: in its state, its host dirs, its processes, mounts and veths. */
export function ownedNames(paths: LabPaths, state: LabState | undefined): Set<string> {
  const names = new Set((state?.hosts ?? []).map((h) => h.name));
  if (existsSync(paths.hosts)) for (const d of readdirSync(paths.hosts)) names.add(d);
  for (const p of labProcesses(paths.hosts)) names.add(p.host);
  for (const m of labMounts(paths.hosts)) names.add(m.slice(paths.hosts.length + 1).split('/')[0]!);
  for (const link of existsSync('/sys/class/net') ? readdirSync('/sys/class/net') : []) {
    if (/^vb-lab-\d+$/.test(link)) names.add(link.slice(3));
  }
  return names;
}

/** The default of 128 inotify instances stops systemd at about 17 hosts. */
async function raiseInotifyLimits(): Promise<void> {
  for (const [key, min] of [
    ['max_user_instances', 8192],
    ['max_user_watches', 524288],
  ] as const) {
    const path = `/proc/sys/fs/inotify/${key}`;
    const now = Number((await readFile(path, 'utf8')).trim());
    if (now < min)
      await writeFile(path, `${min}\n`).catch((e: Error) => {
        throw new LabError(`cannot raise fs.inotify.${key} to ${min}: ${e.message}`);
      });
  }
}
