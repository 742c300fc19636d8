/**
 * The `tsplay` command: parse argv, run the command and turn the outcome into an exit code (bit 1 usage/config,
 * 2 a host failed, 4 a host was unreachable). A command's work loads when it runs (run-cmd.ts, exec-run.ts, the
 * lab's modules): --help loads none of it. Everything a run needs from the outside world comes through `io`,
 * so tests drive it with fake hosts.
 */
import { CommanderError, type Command } from 'commander';
import type { HostDriver } from '../core/driver.js';
import { TsplayError } from '../core/errors.js';
import type { Host } from '../core/model.js';
import { redact } from '../core/secret.js';
import { printable } from '../report/printable.js';
import { registerAdHoc } from './exec-cmd.js';
import { registerInventory } from './inventory-cmd.js';
import { registerLab } from './lab.js';
import { buildProgram } from './program.js';
import type { UserCodeIO } from './user-code.js';

export interface MainIO extends UserCodeIO {
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

/** The real process's: bin.js adds the TypeScript hook (beforeUserCode). */
export const processIO = (): MainIO => ({
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
    const { runCommand } = await import('./run-cmd.js');
    code = await runCommand(playbook, flags, io);
  });
  registerAdHoc(program, io, (c) => (code = c));
  registerInventory(program, io);
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
