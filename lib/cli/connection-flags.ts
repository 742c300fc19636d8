/**
 * The SSH options every command that reaches hosts shares (run, exec, facts): host-key checks and the
 * connect timeout, and the settings the transport takes from them.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import type { SshSettings } from './connect.js';
import { nonEmpty, wholeNumber } from './option-values.js';

export interface ConnectionFlags {
  knownHosts?: string;
  trustNewHostKeys?: boolean;
  connectTimeout: number;
}

export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--known-hosts <file>', 'known_hosts file for host-key checks (default: ~/.ssh/known_hosts)', nonEmpty('--known-hosts', 'a file'))
    .option('--trust-new-host-keys', 'accept and record keys of hosts not yet in known_hosts (a changed key is still refused)')
    .addOption(new Option('--connect-timeout <seconds>', 'give up connecting to a host after this long').default(10).argParser(wholeNumber('--connect-timeout', 1)));
}

export const sshSettings = (f: ConnectionFlags): SshSettings => ({
  knownHosts: f.knownHosts ?? join(homedir(), '.ssh', 'known_hosts'),
  trustNewHostKeys: f.trustNewHostKeys === true,
  connectTimeoutMs: f.connectTimeout * 1000,
  retries: 2,
});
