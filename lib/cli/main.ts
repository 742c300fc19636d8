/**
 * The `tsplay` command: parse argv, then wire inventory, playbook, transport and reporter together and
 * turn the outcome into an exit code (bit 1 usage/config, 2 a host failed, 4 a host was unreachable).
 * Everything a run needs from the outside world comes through `io`, so tests drive it with fake hosts.
 */
import { Chalk, supportsColor } from 'chalk';
import { CommanderError, type Command } from 'commander';
import type { HostDriver } from '../core/driver.js';
import { ConfigError, TsplayError } from '../core/errors.js';
import type { Host } from '../core/model.js';
import { redact } from '../core/secret.js';
import { selector } from '../inventory/index.js';
import { shown } from '../inventory/load-module.js';
import { conflictNotes, otherRoles } from '../inventory/index.js';
import { consoleReporter, exitBits, jsonReporter, printable, type Reporter } from '../report/index.js';
import { htmlReporter } from '../report/html/index.js';
import { multiReporter } from '../report/multi.js';
import { compile, type CompiledPlay } from '../runner/compile.js';
import { prepareAll } from '../runner/prepare.js';
import { runPlaybook } from '../runner/run.js';
import { assertConnectable, assertSshReady, openDriver } from './connect.js';
import { inventoryFor, sshSettings } from './connection-flags.js';
import { askPassword } from './ask-password.js';
import { defaultRetryFile, updateRetryFile } from './retry.js';
import { startAt } from './start-at.js';
import { openedDrivers } from './drivers.js';
import { registerAdHoc } from './exec-cmd.js';
import { registerInventory } from './inventory-cmd.js';
import { fromVarsFile, readExtraVars } from './extra-vars.js';
import { registerLab } from './lab.js';
import { listHosts, listTags, listTasks } from './list.js';
import { loadPlaybook } from './load-playbook.js';
import { planRecorder, planReplayer, planSource, tsplayVersion } from './plan-flags.js';
import { buildProgram, type RunFlags } from './program.js';

export interface MainIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** stdout is a terminal: live progress and colour. */
  readonly tty: boolean;
  /** Open a host's driver; default: by the host's transport. Tests inject fake hosts here. */
  readonly connect?: (host: Host) => Promise<HostDriver>;
  /** Ask for a password without echoing it (-K); default: on the terminal. */
  readonly askPassword?: (prompt: string) => Promise<string>;
  /** Called with a cleanup when a run starts; the real process wires it to SIGINT. */
  readonly onInterrupt?: (cleanup: () => void) => void;
}

const processIO = (): MainIO => ({
  stdout: process.stdout,
  stderr: process.stderr,
  tty: process.stdout.isTTY === true,
  onInterrupt: (cleanup) =>
    process.once('SIGINT', () => {
      cleanup();
      process.stderr.write('\ninterrupted: some hosts may have stopped half-way through a role; run again to converge them\n');
      process.exit(130);
    }),
});

export async function main(argv: readonly string[], io: MainIO = processIO()): Promise<number> {
  let code = 0;
  const program = buildProgram(async (playbook, flags) => {
    code = await runCommand(playbook, flags, io);
  });
  registerAdHoc(program, io, (c) => (code = c));
  registerInventory(program, io.stdout);
  registerLab(program, (c) => (code = c));
  // Subcommands copy these settings only when created, so set them on every command of the tree.
  const output = { writeOut: (s: string) => io.stdout.write(s), writeErr: (s: string) => io.stderr.write(printable(redact(s))) };
  for (const cmd of commandTree(program)) cmd.exitOverride().configureOutput(output);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    io.stderr.write(printable(redact(`${errorText(e)}\n`)));
    return 1;
  }
}

const commandTree = (c: Command): Command[] => [c, ...c.commands.flatMap(commandTree)];

/** Our own errors say what and where already; anything else is a bug, shown with its stack. */
function errorText(e: unknown): string {
  if (e instanceof TsplayError) return `error: ${e.message}`;
  return `internal error (please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
}

async function runCommand(playbookFile: string, f: RunFlags, io: MainIO): Promise<number> {
  const inv = await inventoryFor(f.inventory, f, io.askPassword ?? ((p) => askPassword(p)));
  const pb = await loadPlaybook(playbookFile);
  const extra = readExtraVars(f.extraVar);
  const otherProjectRoles = await otherRoles(playbookFile, pb, inv.spec);
  let plays: CompiledPlay[];
  try {
    plays = compile(pb, selector(inv), {
      tags: f.tags ?? [],
      skipTags: f.skipTags ?? [],
      extraVars: extra.vars,
      ...(f.limit ? { limit: f.limit } : {}),
      playbook: shown(playbookFile),
      otherRoles: otherProjectRoles,
    });
  } catch (e) {
    throw fromVarsFile(e, extra);
  }
  if (f.startAt) plays = startAt(plays, f.startAt);
  if (f.verbose > 0) for (const note of conflictNotes(inv)) io.stderr.write(printable(redact(`${note}\n`)));
  const listings = [f.listHosts && listHosts(plays), f.listTasks && listTasks(plays), f.listTags && listTags(plays)].filter((x) => typeof x === 'string');
  if (listings.length) {
    io.stdout.write(printable(redact(`${listings.join('\n\n')}\n`)));
    return 0;
  }
  const hosts = plays.flatMap((p) => p.hosts);
  if (hosts.length === 0) throw new ConfigError("no host to run on: the plays' host patterns leave none", f.limit ? '--limit' : shown(playbookFile));
  if (!io.connect) assertConnectable(hosts);
  const ssh = sshSettings(f);
  await assertSshReady(hosts, inv, ssh);
  const mode = f.check ? 'check' : 'apply';
  if (f.planOut && mode !== 'check') throw new ConfigError('--plan-out records a check run: add --check', '--plan-out');
  if (f.plan && mode === 'check') throw new ConfigError('--plan applies a plan: leave out --check', '--plan');
  const source =
    f.planOut || f.plan ? planSource({ version: tsplayVersion(), playbook: playbookFile, inventory: f.inventory, vars: extra.vars, plays }) : undefined;
  const recorder = f.planOut ? planRecorder(f.planOut, source!) : undefined;
  const planHook = recorder?.hook ?? (f.plan ? planReplayer(f.plan, source!) : undefined);
  const reporter = makeReporter(f, io);
  io.onInterrupt?.(() => reporter.close?.());
  const drivers = openedDrivers(io.connect ?? ((host) => openDriver(host, inv, ssh)));
  try {
    // Controller-side work (certificates, artifacts) is done before any host is touched, and shown first.
    await prepareAll(plays, { mode, note: (step, text) => reporter.emit({ kind: 'controller', step, text }) });
    const stats = await runPlaybook(
      plays,
      inv.cluster,
      {
        playbook: shown(playbookFile),
        mode,
        diff: f.diff === true,
        verify: f.verify === true,
        ...(f.forks ? { forks: f.forks } : {}),
        lockTimeoutMs: f.lockTimeout * 1000,
        startupMs: Math.round(performance.now()),
        ...(planHook ? { plan: planHook } : {}),
      },
      { connect: drivers.connect, reporter },
    );
    recorder?.save();
    if (mode === 'apply') {
      const note = updateRetryFile(f.retryFile ?? defaultRetryFile(playbookFile), stats, `tsplay run ${shown(playbookFile)} -i ${f.inventory}`);
      if (note) io.stderr.write(printable(redact(note)));
    }
    return exitBits(stats);
  } finally {
    reporter.close?.();
    await drivers.closeAll();
  }
}

function makeReporter(f: RunFlags, io: MainIO): Reporter {
  const main = mainReporter(f, io);
  // The HTML page is written at close, after the console's last line, also when the run failed.
  return f.report ? multiReporter(main, htmlReporter({ file: f.report, note: (t) => io.stderr.write(printable(t)) })) : main;
}

function mainReporter(f: RunFlags, io: MainIO): Reporter {
  if (f.json) return jsonReporter(io.stdout);
  const level = io.tty ? (supportsColor ? supportsColor.level : 1) : 0;
  return consoleReporter({ out: io.stdout, err: io.stderr, chalk: new Chalk({ level }), tty: io.tty, verbose: f.verbose, diff: f.diff === true });
}
