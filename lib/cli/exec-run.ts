/** The work of `tsplay exec` and `tsplay facts` (exec-cmd.ts defines the commands): loaded when one runs. */
import type { HostDriver } from '../core/driver.js';
import { ConfigError } from '../core/errors.js';
import type { Host } from '../core/model.js';
import type { HostFacts } from '../core/ops.js';
import { redact } from '../core/secret.js';
import { limitHosts, selectHosts, type Inventory } from '../inventory/index.js';
import { printable } from '../report/index.js';
import { askPassword } from './ask-password.js';
import { assertConnectable, assertSshReady, openDriver } from './connect.js';
import { inventoryFor, sshSettings } from './connection-flags.js';
import { type AdHocIO, becomeCommand, type ExecFlags, type HostFlags } from './exec-cmd.js';
import { type ExecDone, execExitBits, execSummary, groupedBlock, jsonLine, streamedLines } from './exec-output.js';
import { type HostDone, onEachHost } from './each-host.js';
import { beforeImport } from './user-code.js';

/** The hosts a pattern (and --limit) picks, ready to connect to; every check before any host is touched. */
async function reachable(pattern: string, f: HostFlags, io: AdHocIO): Promise<{ hosts: Host[]; connect: (h: Host) => Promise<HostDriver> }> {
  beforeImport(f.inventory, io);
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

export async function execCommand(pattern: string, command: string, f: ExecFlags, io: AdHocIO): Promise<number> {
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

export async function factsCommand(pattern: string, f: HostFlags, io: AdHocIO): Promise<number> {
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
