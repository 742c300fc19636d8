/** `lab down`: stop every host and leave nothing behind: processes, mounts, veths, the bridge, host dirs. */
import { rm } from 'node:fs/promises';
import { removeLabCgroups } from './cgroup.js';
import { stopHost } from './host.js';
import { deleteLink, NET } from './network.js';
import { labPaths, type LabPaths } from './paths.js';
import { labMounts, labProcesses } from './procs.js';
import { LabError, type Say } from './run.js';
import { readState } from './state.js';
import { ownedNames } from './up.js';
import { updateUserKnownHosts } from './user-known-hosts.js';

export async function labDown(opts: { paths?: LabPaths; say?: Say } = {}): Promise<void> {
  const paths = opts.paths ?? labPaths();
  const say = opts.say ?? (() => undefined);
  const state = await readState(paths.state).catch(() => undefined);
  const names = [...ownedNames(paths, state)];
  if (names.length > 0) say(`stopping ${names.length} host(s): ${names.join(', ')}`);
  await Promise.all(names.map((n) => stopHost(paths, n, { purge: true })));
  await deleteLink(NET.bridge);
  removeLabCgroups();
  await rm(paths.hosts, { recursive: true, force: true });
  await rm(paths.state, { force: true });
  await rm(paths.knownHosts, { force: true });
  await updateUserKnownHosts('');
  const left = [...labProcesses(paths.hosts).map((p) => `process ${p.pid} (${p.host})`), ...labMounts(paths.hosts)];
  if (left.length > 0) throw new LabError(`lab down left things behind: ${left.join(', ')}`);
  say('lab is down');
}
