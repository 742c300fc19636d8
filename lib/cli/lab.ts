/** `tsplay lab ...`: bring local test hosts up and down, show them, log in to one. */
import { spawnSync } from 'node:child_process';
import type { Command } from 'commander';
import { ConfigError } from '../core/errors.js';
import { MAX_HOSTS } from '../lab/network.js';
import { wholeNumber } from './option-values.js';

// The lab's modules load only for a lab command, not on every run.
const status = () => import('../lab/status.js');

const say = (line: string) => console.log(line);

const EXAMPLES = `
Examples:
  sudo tsplay lab up --hosts 3      three Debian 12 hosts (lab-1..lab-3) on 10.231.0.0/24, written to inventory/lab.ts
  tsplay run playbooks/site.ts -i inventory/lab.ts
  sudo tsplay lab status
  sudo tsplay lab ssh lab-2 -- systemctl is-system-running
  sudo tsplay lab down              stop every host, remove mounts, links and the bridge

The first 'lab up' builds a Debian image with debootstrap (a minute or two); later ones boot in seconds.`;

/** `setCode`: the exit code a command ends with (lab ssh passes on the remote command's). */
export function registerLab(program: Command, setCode: (code: number) => void): void {
  const lab = program.command('lab').description('local test hosts: Debian 12 containers (systemd-nspawn) on a private bridge').addHelpText('after', EXAMPLES);
  lab
    .command('up')
    .description('make the lab exactly N running hosts (idempotent; grows, shrinks, repairs a crashed lab)')
    .option('-n, --hosts <n>', 'number of hosts (default: as many as now, or 3)', wholeNumber('--hosts', 1, MAX_HOSTS))
    .action(async (o: { hosts?: number }) => {
      const started = Date.now();
      const [{ labUp }, { labStatus, statusTable }] = await Promise.all([import('../lab/up.js'), status()]);
      await labUp({ ...(o.hosts ? { hosts: o.hosts } : {}), say });
      console.log(statusTable((await labStatus()) ?? []));
      say(`lab up took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
  lab
    .command('down')
    .description('stop every host and remove what the lab made')
    .action(async () => {
      const { labDown } = await import('../lab/down.js');
      await labDown({ say });
    });
  lab
    .command('status')
    .description('list the hosts with address and state')
    .action(async () => {
      const { labStatus, statusTable } = await status();
      const hosts = await labStatus();
      console.log(hosts ? statusTable(hosts) : 'no lab is up (run: tsplay lab up)');
    });
  lab
    .command('ssh')
    .description('log in to a lab host as root (extra arguments are run as a command)')
    .argument('<name>', 'host name, e.g. lab-1')
    .argument('[command...]', 'command to run instead of a login shell')
    .action(async (name: string, command: string[]) => {
      const [{ labPaths }, { readState }] = await Promise.all([import('../lab/paths.js'), import('../lab/state.js')]);
      const paths = labPaths();
      const host = (await readState(paths.state))?.hosts.find((h) => h.name === name);
      if (!host) throw new ConfigError(`no lab host named "${name}" (see: tsplay lab status)`, 'lab ssh');
      const r = spawnSync(
        'ssh',
        [
          '-i',
          paths.key,
          '-o',
          `UserKnownHostsFile=${paths.knownHosts}`,
          '-o',
          'StrictHostKeyChecking=yes',
          '-o',
          'IdentitiesOnly=yes',
          `root@${host.address}`,
          ...command,
        ],
        { stdio: 'inherit' },
      );
      setCode(r.status ?? 1);
    });
}
