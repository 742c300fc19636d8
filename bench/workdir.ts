/**
 * The per-size files both tools run from, in a temp dir: a tsplay inventory (.ts, with the bench's package
 * override for prereqs), an Ansible INI inventory and ansible.cfg (pipelining on, forks = hosts, host-key
 * checking on against the lab's known_hosts, gathering = implicit: Ansible's default, facts every play).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchHost, LabInfo } from './lab.js';

/** Packages installed in the lab image (it lacks ipset, and hosts have no network). */
export const PREREQS_PACKAGES = { debian: ['conntrack', 'socat'], redhat: ['conntrack-tools', 'socat'] } as const;

export interface WorkDir {
  readonly dir: string;
  readonly tsplayInventory: string;
  readonly ansibleCfg: string;
  /** Where each Ansible run keeps its ssh ControlMaster sockets (a fresh dir per run: every run starts cold). */
  readonly controlDir: (run: string) => string;
}

const DSL = fileURLToPath(new URL('../lib/dsl/inventory.js', import.meta.url));

export function tsplayInventory(hosts: readonly BenchHost[], lab: LabInfo): string {
  const names = hosts.map((h) => `'${h.name}'`).join(', ');
  return `import { defineInventory } from '${DSL}';

export default defineInventory({
  defaults: { user: 'root', port: 22, key: '${lab.key}' },
  hosts: {
${hosts.map((h) => `    '${h.name}': { address: '${h.address}' },`).join('\n')}
  },
  groups: { bench: { hosts: [${names}] } },
  vars: { prereqs_packages: ${JSON.stringify(PREREQS_PACKAGES)} },
});
`;
}

export function ansibleInventory(hosts: readonly BenchHost[], lab: LabInfo): string {
  return [
    '[bench]',
    ...hosts.map((h) => `${h.name} ansible_host=${h.address}`),
    '',
    '[all:vars]',
    'ansible_user=root',
    `ansible_ssh_private_key_file=${lab.key}`,
    `ansible_ssh_common_args='-o UserKnownHostsFile=${lab.knownHosts}'`,
    '',
  ].join('\n');
}

export function ansibleCfg(forks: number): string {
  return [
    '[defaults]',
    'inventory = hosts.ini',
    `forks = ${forks}`,
    'host_key_checking = True',
    'gathering = implicit',
    // Skips interpreter discovery (one more ssh command per host) and its warning: what users set.
    'interpreter_python = /usr/bin/python3',
    'retry_files_enabled = False',
    '',
    '[ssh_connection]',
    'pipelining = True',
    // Ansible's default ssh_args (ControlMaster=auto, ControlPersist=60s) stay; only the socket dir is per run.
    'control_path = %(directory)s/%%h-%%r',
    '',
  ].join('\n');
}

export async function makeWorkDir(root: string, hosts: readonly BenchHost[], lab: LabInfo): Promise<WorkDir> {
  const dir = join(root, `hosts-${hosts.length}`);
  await mkdir(dir, { recursive: true });
  // The inventory is an ES module outside the project: tell Node so.
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
  await writeFile(join(dir, 'inventory.ts'), tsplayInventory(hosts, lab));
  await writeFile(join(dir, 'hosts.ini'), ansibleInventory(hosts, lab));
  await writeFile(join(dir, 'ansible.cfg'), ansibleCfg(hosts.length));
  return {
    dir,
    tsplayInventory: join(dir, 'inventory.ts'),
    ansibleCfg: join(dir, 'ansible.cfg'),
    controlDir: (run) => join(dir, 'cp', run),
  };
}
