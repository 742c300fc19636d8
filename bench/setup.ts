/**
 * Untimed host preparation for Ansible: its apt module needs python3-apt on the host (Ansible installs it
 * on first use from the network; lab hosts have none). The .debs are fetched once on the controller with
 * `apt-get download` and installed on the bench hosts over ssh.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchHost, LabInfo } from './lab.js';
import { installDebs } from './probes.js';
import { sshAll, sshAllOk } from './ssh.js';

const run = promisify(execFile);
const DEBS = ['python3-apt', 'python-apt-common', 'distro-info-data'];

export async function fetchDebs(dir: string): Promise<Map<string, Buffer>> {
  await mkdir(dir, { recursive: true });
  const have = async () => (await readdir(dir)).filter((f) => f.endsWith('.deb'));
  if ((await have()).length < DEBS.length) await run('apt-get', ['download', ...DEBS], { cwd: dir });
  const files = await have();
  return new Map(await Promise.all(files.map(async (f) => [f, await readFile(join(dir, f))] as const)));
}

export async function prepareForAnsible(lab: LabInfo, hosts: readonly BenchHost[], debs: ReadonlyMap<string, Buffer>): Promise<void> {
  const { results } = await sshAll(lab, hosts, "dpkg-query -W -f='${Status}' python3-apt 2>/dev/null | grep -q 'ok installed'\n");
  const lacking = hosts.filter((h) => results.find((r) => r.host === h.name)?.code !== 0);
  if (lacking.length > 0) await sshAllOk(lab, lacking, installDebs('python3-apt', debs), 'installing python3-apt');
}
