/**
 * `tsplay exec -i INV PATTERN -- COMMAND` and `tsplay facts -i INV PATTERN`: ad-hoc work on every
 * matching host through the same transport as a run (host-key checks, jump hosts, sudo with a become
 * password). Nothing is touched before the inventory, the pattern and the SSH keys check out.
 */
import { Option, type Command } from 'commander';
import type { HostDriver } from '../core/driver.js';
import { ConfigError } from '../core/errors.js';
import type { Host } from '../core/model.js';
import type { HostFacts } from '../core/ops.js';
import { redact } from '../core/secret.js';
import { limitHosts, selectHosts, type Inventory } from '../inventory/index.js';
import { printable } from '../report/index.js';
import { quote } from '../transport/shell-quote.js';
import { assertConnectable, assertSshReady, openDriver } from './connect.js';
import { askPassword } from './ask-password.js';
import { addConnectionOptions, inventoryFor, sshSettings, type ConnectionFlags } from './connection-flags.js';
import { execExitBits, execSummary, groupedBlock, jsonLine, streamedLines, type ExecDone } from './exec-output.js';
import { onEachHost, type HostDone } from './each-host.js';
import { nonEmpty, wholeNumber } from './option-values.js';

export interface AdHocIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly connect?: (host: Host) => Promise<HostDriver>;
  readonly askPassword?: (prompt: string) => Promise<string>;
}

interface HostFlags extends ConnectionFlags {
  inventory: string;
  limit?: string;
  forks?: number;
}

interface ExecFlags extends HostFlags {
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
    .action(async (pattern: string, command: string[], f: ExecFlags) => setCode(await execCommand(pattern, command.join(' '), f, io)));
  hostOptions(
    program
      .command('facts')
      .description('print the facts gathered from every host matching a pattern, as JSON')
      .argument('[pattern]', 'host pattern (default: all)', 'all'),
  )
    .addHelpText('after', FACTS_HELP)
    .action(async (pattern: string, f: HostFlags) => setCode(await factsCommand(pattern, f, io)));
}

/** The hosts a pattern (and --limit) picks, ready to connect to; every check before any host is touched. */
async function reachable(pattern: string, f: HostFlags, io: AdHocIO): Promise<{ hosts: Host[]; connect: (h: Host) => Promise<HostDriver> }> {
  const inv: Inventory = await inventoryFor(f.inventory, f, io.askPassword ?? ((p) => askPassword(p)));
  let hosts = selectHosts(inv, pattern, 'pattern');
  if (f.limit) hosts = limitHosts(inv, hosts, f.limit);
  if (hosts.length === 0) throw new ConfigError(`no host matches "${pattern}"${f.limit ? ` with --limit ${f.limit}` : ''}`, 'pattern');
  const ssh = sshSettings(f);
  if (!io.connect) assertConnectable(hosts);
  await assertSshReady(hosts, inv, ssh);
  return { hosts, connect: io.connect ?? ((h) => openDriver(h, inv, ssh)) };
}

/** Redacted and printable, but a command's tabs (ps, ip, column output) pass as they are. */
const say = (out: NodeJS.WritableStream, text: string) => out.write(redact(text).split('\t').map(printable).join('\t'));

/** The command as the host runs it: under sudo as root, or as another user through root's sudo. */
export function becomeCommand(command: string, becomeUser?: string): string {
  return becomeUser && becomeUser !== 'root' ? `sudo -n -u ${quote(becomeUser)} -- sh -c ${quote(command)}` : command;
}

async function execCommand(pattern: string, command: string, f: ExecFlags, io: AdHocIO): Promise<number> {
  if (command.trim() === '') throw new ConfigError('no command to run: give it after --, e.g. tsplay exec -i INV all -- uptime', 'exec');
  if (f.becomeUser && !f.become) throw new ConfigError('--become-user needs --become', '--become-user');
  const { hosts, connect } = await reachable(pattern, f, io);
  const width = Math.max(...hosts.map((h) => h.name.length));
  const run = f.become ? becomeCommand(command, f.becomeUser) : command;
  const onDone = f.json ? (d: ExecDone) => say(io.stdout, jsonLine(d)) : f.stream ? (d: ExecDone) => say(io.stdout, streamedLines(d, width)) : undefined;
  const done = await onEachHost(hosts, (d) => d.exec(run, { ...(f.become ? { sudo: true } : {}), ...(f.timeout ? { timeoutMs: f.timeout * 1000 } : {}) }), {
    ...(f.forks ? { forks: f.forks } : {}),
    connect,
    failed: (r) => r.exitCode !== 0,
    ...(onDone ? { onDone } : {}),
  });
  if (!f.json && !f.stream) say(io.stdout, done.map(groupedBlock).join(''));
  if (!f.json) say(io.stderr, execSummary(done));
  return execExitBits(done);
}

async function factsCommand(pattern: string, f: HostFlags, io: AdHocIO): Promise<number> {
  const { hosts, connect } = await reachable(pattern, f, io);
  const done: HostDone<HostFacts>[] = await onEachHost(hosts, async (d) => (await d.query([{ q: 'facts' }]))[0] as HostFacts, {
    ...(f.forks ? { forks: f.forks } : {}),
    connect,
  });
  const byHost = Object.fromEntries(done.filter((d) => d.value).map((d) => [d.host, d.value]));
  say(io.stdout, `${JSON.stringify(byHost, null, 2)}\n`);
  for (const d of done.filter((x) => !x.value)) say(io.stderr, `${d.host}: ${d.status}: ${d.error ?? ''}\n`);
  return execExitBits(done);
}
