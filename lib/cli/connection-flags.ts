/**
 * The connection options every command that reaches hosts shares (run, exec, facts): host-key checks,
 * the connect timeout, -u/--user, --private-key and -K/--ask-become-pass, and the settings they give.
 * As in Ansible, -u and --private-key fill in what the inventory leaves unset: a user or key the
 * inventory names (for a host, or in its defaults) wins. -K's password is for every host without one.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { ConfigError } from '../core/errors.js';
import { secret } from '../core/secret.js';
import type { InventorySpec } from '../dsl/inventory.js';
import type { Inventory } from '../inventory/index.js';
import type { SshSettings } from './connect.js';
import { nonEmpty, wholeNumber } from './option-values.js';

export interface ConnectionFlags {
  knownHosts?: string;
  trustNewHostKeys?: boolean;
  connectTimeout: number;
  user?: string;
  privateKey?: string;
  askBecomePass?: boolean;
  warm?: boolean;
}

export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option('-u, --user <name>', 'log in as this user where the inventory names none (default: root)', nonEmpty('--user', 'a user name'))
    .option('--private-key <file>', 'log in with this key file where the inventory names none', nonEmpty('--private-key', 'a key file'))
    .option('-K, --ask-become-pass', 'ask for the sudo password (not echoed), for every host the inventory gives none')
    .option('--known-hosts <file>', 'known_hosts file for host-key checks (default: ~/.ssh/known_hosts)', nonEmpty('--known-hosts', 'a file'))
    .option('--trust-new-host-keys', 'accept and record keys of hosts not yet in known_hosts (a changed key is still refused)')
    .option('--warm', 'keep SSH sessions open between runs in a per-user background process (also TSPLAY_WARM=1; see `tsplay warm`)')
    .addOption(
      new Option('--connect-timeout <seconds>', 'give up connecting to a host after this long').default(10).argParser(wholeNumber('--connect-timeout', 1)),
    );
}

export const sshSettings = (f: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): SshSettings => ({
  knownHosts: f.knownHosts ?? join(homedir(), '.ssh', 'known_hosts'),
  trustNewHostKeys: f.trustNewHostKeys === true,
  connectTimeoutMs: f.connectTimeout * 1000,
  retries: 2,
  ...(f.warm === true || warmFromEnv(env) ? { warm: { idleMs: warmIdleMs(env) } } : {}),
});

/** TSPLAY_WARM: 1/true/yes turns warm connections on, 0/false/no or unset leaves them off. */
function warmFromEnv(env: NodeJS.ProcessEnv): boolean {
  const v = env.TSPLAY_WARM?.trim().toLowerCase();
  if (v === undefined || v === '' || v === '0' || v === 'false' || v === 'no') return false;
  if (v === '1' || v === 'true' || v === 'yes') return true;
  throw new ConfigError(`TSPLAY_WARM=${env.TSPLAY_WARM}: expected 1 (on) or 0 (off)`, 'environment');
}

/** TSPLAY_WARM_IDLE: seconds a warm daemon this run starts stays without clients (default 600). */
export function warmIdleMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.TSPLAY_WARM_IDLE;
  if (v === undefined || v === '') return DEFAULT_IDLE_S * 1000;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new ConfigError(`TSPLAY_WARM_IDLE=${v}: expected a whole number of seconds, at least 1`, 'environment');
  return Number(v) * 1000;
}

const DEFAULT_IDLE_S = 600;

/** The spec with -u, --private-key and a -K password filled in where it leaves them unset. Pure. */
export function withConnectionFlags(spec: InventorySpec, f: Pick<ConnectionFlags, 'user' | 'privateKey'>, becomePassword?: string): InventorySpec {
  if (!f.user && !f.privateKey && becomePassword === undefined) return spec;
  const d = spec.defaults ?? {};
  const defaults = { ...d, ...(f.user && d.user === undefined ? { user: f.user } : {}), ...(f.privateKey && d.key === undefined ? { key: f.privateKey } : {}) };
  const pw = becomePassword === undefined ? undefined : secret(becomePassword);
  const hosts = pw
    ? Object.fromEntries(Object.entries(spec.hosts).map(([n, e]) => [n, e.becomePassword === undefined ? { ...e, becomePassword: pw } : e]))
    : spec.hosts;
  return { ...spec, defaults, hosts };
}

/** The inventory with the connection flags applied; `ask` prompts for -K's password. */
export async function inventoryFor(file: string, f: ConnectionFlags, ask: (prompt: string) => Promise<string>): Promise<Inventory> {
  // The inventory layer loads with the command that needs it (run, exec, facts), not for --help.
  const { buildInventory, loadInventory } = await import('../inventory/index.js');
  const inv = await loadInventory(file);
  const pw = f.askBecomePass ? await ask('BECOME password: ') : undefined;
  const spec = withConnectionFlags(inv.spec, f, pw);
  return spec === inv.spec ? inv : buildInventory(spec, inv.file);
}
