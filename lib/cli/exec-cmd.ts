/**
 * `tsplay exec -i INV PATTERN -- COMMAND` and `tsplay facts -i INV PATTERN`: ad-hoc work on every
 * matching host through the same transport as a run (host-key checks, jump hosts, sudo with a become
 * password). Nothing is touched before the inventory, the pattern and the SSH keys check out. This file
 * defines the commands; their work (exec-run.ts, with the inventory and the transport) loads when one runs.
 */
import { Option, type Command } from 'commander';
import type { HostDriver } from '../core/driver.js';
import type { Host } from '../core/model.js';
import { quote } from '../transport/shell-quote.js';
import { addConnectionOptions, type ConnectionFlags } from './connection-flags.js';
import { nonEmpty, wholeNumber } from './option-values.js';
import type { UserCodeIO } from './user-code.js';

const run = () => import('./exec-run.js');

export interface AdHocIO extends UserCodeIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly connect?: (host: Host) => Promise<HostDriver>;
  readonly askPassword?: (prompt: string) => Promise<string>;
}

export interface HostFlags extends ConnectionFlags {
  inventory: string;
  limit?: string;
  forks?: number;
}

export interface ExecFlags extends HostFlags {
  stream?: boolean;
  json?: boolean;
  become?: boolean;
  becomeUser?: string;
  timeout?: number;
}

const EXEC_HELP = `
Examples:
  tsplay exec -i inventory/prod.ts all -- uptime                      every host, output grouped per host
  tsplay exec -i inventory/prod.ts 'etcd:!etcd-3' -- systemctl is-active etcd
  tsplay exec -i hosts.ini web --stream -f 5 -- 'journalctl -u nginx -n 20'
  tsplay exec -i inventory/prod.ts masters -b -- cat /etc/kubernetes/admin.conf
  tsplay exec -i inventory/prod.ts all --json -- df -h / | jq -r 'select(.rc != 0).host'

The command runs with sh -c on each host (pipes, ; and && work; quote them so your own shell passes them on).
Exit code: 0 the command exited 0 everywhere, bit 1 usage or configuration error (nothing was run),
bit 2 the command exited non-zero (or sudo refused) on some host, bit 4 some host was unreachable.`;

const FACTS_HELP = `
Examples:
  tsplay facts -i inventory/prod.ts                  facts of every host, as one JSON object by host name
  tsplay facts -i hosts.yml etcd | jq '.[].os'

The facts are those roles see (os family and version, arch, init, interfaces and addresses, cpus, memory,
package manager), gathered in one round trip per host. Exit code bits as for exec.`;

function hostOptions(cmd: Command): Command {
  cmd
    .requiredOption('-i, --inventory <file>', 'inventory: a .ts/.js module, or an Ansible hosts.ini / hosts.yml')
    .option('-l, --limit <pattern>', 'further narrow the hosts (a pattern, or @file with one host per line)', nonEmpty('--limit', 'a host pattern'))
    .option('-f, --forks <n>', 'hosts worked on at once (default: all)', wholeNumber('--forks', 1));
  return addConnectionOptions(cmd);
}

export function registerAdHoc(program: Command, io: AdHocIO, setCode: (code: number) => void): void {
  hostOptions(
    program
      .command('exec')
      .description('run a shell command on every host matching a pattern, in parallel')
      .argument('<pattern>', 'host pattern: all, a group, a host, globs, a:b, a:&b, a:!b')
      .argument('<command...>', 'the command, after --'),
  )
    .option('--stream', "print each host's output as soon as it finishes, every line prefixed with its host")
    .option('--json', 'one JSON object per host (host, status, rc, stdout, stderr, ms) per line')
    .option('-b, --become', 'run the command as root through sudo (a become password from the inventory)')
    .option('--become-user <user>', 'with --become: run it as this user instead of root', nonEmpty('--become-user', 'a user name'))
    .addOption(new Option('--timeout <seconds>', 'kill the command on a host after this long').argParser(wholeNumber('--timeout', 1)))
    .addHelpText('after', EXEC_HELP)
    .action(async (pattern: string, command: string[], f: ExecFlags) => setCode(await (await run()).execCommand(pattern, command.join(' '), f, io)));
  hostOptions(
    program
      .command('facts')
      .description('print the facts gathered from every host matching a pattern, as JSON')
      .argument('[pattern]', 'host pattern (default: all)', 'all'),
  )
    .addHelpText('after', FACTS_HELP)
    .action(async (pattern: string, f: HostFlags) => setCode(await (await run()).factsCommand(pattern, f, io)));
}

/** The command as the host runs it: under sudo as root, or as another user through root's sudo. */
export function becomeCommand(command: string, becomeUser?: string): string {
  return becomeUser && becomeUser !== 'root' ? `sudo -n -u ${quote(becomeUser)} -- sh -c ${quote(command)}` : command;
}
