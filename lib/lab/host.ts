/**
 * One lab host: an overlay of the base image (its own upper dir) booted by systemd-nspawn in the
 * background on the lab bridge; stopped with SIGTERM (the host powers off), then SIGKILL, then unmounted.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { hostCgroups, joinAndExec, removeHostCgroups } from './cgroup.js';
import { authorize, makeHostKey } from './keys.js';
import { deleteLink, etcHosts, networkFile, NET, vethName, type HostSpec } from './network.js';
import { hostDirs, type LabPaths } from './paths.js';
import { alive, labMounts, labProcesses, type LabProcess } from './procs.js';
import { LabError, run, runQuiet } from './run.js';

/** Fresh upper dir for a host: address, name, machine id, host key, authorized key. Returns its host key. */
export async function prepareHost(paths: LabPaths, spec: HostSpec, all: readonly HostSpec[], clientKey: string): Promise<string> {
  const d = hostDirs(paths, spec.name);
  await rm(d.dir, { recursive: true, force: true });
  const etc = join(d.upper, 'etc');
  await mkdir(join(etc, 'systemd/network'), { recursive: true });
  await Promise.all([mkdir(d.work, { recursive: true }), mkdir(d.root, { recursive: true })]);
  await writeFile(join(etc, 'systemd/network/10-host0.network'), networkFile(spec.address));
  await writeFile(join(etc, 'hosts'), etcHosts(all));
  await writeFile(join(etc, 'hostname'), `${spec.name}\n`);
  // The image keeps the build machine's resolver; a host must not even try an address off the lab bridge.
  await writeFile(join(etc, 'resolv.conf'), '# lab hosts have no DNS: names are in /etc/hosts\n');
  // No network either: apt's retries of the mirror (about 7 s) only delay the failure a role should see.
  await mkdir(join(etc, 'apt/apt.conf.d'), { recursive: true });
  await writeFile(join(etc, 'apt/apt.conf.d/90tsplay-lab'), 'Acquire::Retries "0";\n');
  await writeFile(join(etc, 'machine-id'), `${createHash('md5').update(`tsplay-lab/${spec.name}`).digest('hex')}\n`);
  await authorize(join(d.upper, 'root'), clientKey);
  return makeHostKey(etc, spec.name);
}

/** Mount the overlay and start systemd-nspawn detached; returns its pid. Boot output goes to boot.log. */
export async function bootHost(paths: LabPaths, image: string, spec: HostSpec): Promise<number> {
  const d = hostDirs(paths, spec.name);
  await run('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${image},upperdir=${d.upper},workdir=${d.work}`, d.root]);
  const log = openSync(d.log, 'a');
  const cgroups = await hostCgroups(spec.name);
  const child = spawn(
    'sh',
    [
      '-c',
      joinAndExec(cgroups),
      'sh',
      'systemd-nspawn',
      '--quiet',
      '--register=no',
      '--keep-unit',
      '--boot',
      '--directory',
      d.root,
      '--machine',
      spec.name,
      `--network-bridge=${NET.bridge}`,
      '--resolv-conf=off',
      '--timezone=off',
      '--link-journal=no',
      '--console=read-only',
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  const pid = child.pid;
  child.unref();
  if (pid === undefined) throw new LabError(`cannot start systemd-nspawn for ${spec.name} (see ${d.log})`);
  return pid;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitGone(pids: readonly number[], ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (pids.some(alive)) {
    if (Date.now() > until) return false;
    await sleep(100);
  }
  return true;
}

const signal = (pid: number, sig: NodeJS.Signals) => {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone already */
  }
};

/**
 * Stop a host and remove every trace of it: nspawn gets SIGTERM (the host powers off), what is left after
 * the grace period (or all of the host, when its nspawn had died and left it orphaned) is killed, then the
 * overlay is unmounted, the veth deleted and (with `purge`) its files.
 */
export async function stopHost(paths: LabPaths, name: string, opts: { purge?: boolean; graceMs?: number } = {}): Promise<void> {
  const mine = () => labProcesses(paths.hosts).filter((p) => p.host === name);
  const nspawn = mine()
    .filter((p) => p.kind === 'nspawn')
    .map((p) => p.pid);
  for (const pid of nspawn) signal(pid, 'SIGTERM');
  if (!(await waitGone(nspawn, opts.graceMs ?? 15_000)) || mine().length > 0) await killAll(mine, 5_000);
  const root = hostDirs(paths, name).dir;
  for (const m of labMounts(paths.hosts).filter((p) => p.startsWith(`${root}/`))) {
    if ((await runQuiet('umount', [m])).code !== 0) await run('umount', ['-l', m]);
  }
  await deleteLink(vethName(name));
  removeHostCgroups(name);
  // Without systemd on this machine, nspawn leaves its propagation dir behind.
  await rm(`/run/systemd/nspawn/propagate/${name}`, { recursive: true, force: true });
  if (opts.purge) await rm(root, { recursive: true, force: true });
}

/**
 * SIGKILL a host's processes until none is left: its pid namespace's init first (the kernel then kills the
 * whole namespace, so nothing forks away meanwhile), then whatever else is in its cgroup. Read afresh each
 * round: an orphaned systemd restarts services while it is being killed.
 */
async function killAll(mine: () => LabProcess[], ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (let left = mine(); left.length > 0 && Date.now() < until; left = mine()) {
    for (const p of left.filter((x) => x.init)) signal(p.pid, 'SIGKILL');
    for (const p of left.filter((x) => !x.init)) signal(p.pid, 'SIGKILL');
    await waitGone(
      left.map((p) => p.pid),
      500,
    );
  }
}

/** Whether the nspawn with this pid still runs this host (`procs` from labProcesses, read once). */
export function hostRunning(procs: readonly LabProcess[], name: string, pid: number): boolean {
  return procs.some((p) => p.pid === pid && p.host === name && p.kind === 'nspawn');
}

/** A host whose recorded nspawn is gone but whose processes still run (an orphan): those processes. */
export function orphanProcesses(procs: readonly LabProcess[], name: string, pid: number): LabProcess[] {
  return hostRunning(procs, name, pid) ? [] : procs.filter((p) => p.host === name);
}
