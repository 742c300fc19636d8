/** Open a host's driver by its transport: ssh (node-ssh/ssh2, through its jump host) or local (this machine). */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { HostDriver } from '../core/driver.js';
import type { Host } from '../core/model.js';
import type { Inventory } from '../inventory/index.js';
import type { Connection } from '../core/connection.js';
import { localConnection } from '../transport/local.js';
import { knownHostsProblem, loadPrivateKey } from '../transport/ssh-files.js';
import { shellDriver } from '../transport/shell-driver.js';
import type { SshOptions } from '../transport/ssh.js';
import type { WarmSettings } from '../transport/warm/spawn.js';

export type SshSettings = Omit<SshOptions, 'jump'> & {
  /** Sessions kept between runs by the warm daemon (--warm); absent: each run connects. */
  readonly warm?: WarmSettings;
};

/** Fake hosts live only in tests (tsplay/testing): refuse them before any host is touched. */
export function assertConnectable(hosts: readonly Host[]): void {
  const fake = hosts.filter((h) => h.transport === 'fake').map((h) => h.name);
  if (fake.length) throw new ConfigError(`host(s) ${fake.join(', ')} use the "fake" transport, which exists only in tests (tsplay/testing)`, 'inventory');
}

/** `~/.ssh/id_ed25519` in an inventory means the controller user's home, as in ssh. */
const withHome = (h: Host): Host => (h.key?.startsWith('~/') ? { ...h, key: join(homedir(), h.key.slice(2)) } : h);

/**
 * Before any host is touched: every SSH host (and jump host) has a key file tsplay can log in with, or an
 * ssh-agent, and the known_hosts file can be read (and written, when new keys are trusted).
 */
export async function assertSshReady(hosts: readonly Host[], inv: Inventory, ssh: Pick<SshSettings, 'knownHosts' | 'trustNewHostKeys'>): Promise<void> {
  const jumps = hosts.flatMap((h) => inv.hosts.filter((j) => j.name === h.jump));
  const reached = [...new Map([...hosts, ...jumps].filter((h) => h.transport === 'ssh').map((h) => [h.name, withHome(h)] as const)).values()];
  if (reached.length === 0) return;
  const known = await knownHostsProblem(ssh.knownHosts, ssh.trustNewHostKeys === true);
  if (known) throw new ConfigError(`${ssh.knownHosts} ${known}`, '--known-hosts');
  const byKey = new Map<string, string[]>();
  for (const h of reached) if (h.key) byKey.set(h.key, [...(byKey.get(h.key) ?? []), h.name]);
  const problems: string[] = [];
  for (const [path, names] of byKey) {
    const k = await loadPrivateKey(path);
    if (!k.ok) problems.push(`key file ${path} (host${names.length > 1 ? 's' : ''} ${names.join(', ')}) ${k.problem}`);
  }
  const agentless = process.env.SSH_AUTH_SOCK ? [] : reached.filter((h) => !h.key).map((h) => h.name);
  if (agentless.length) problems.push(`host(s) ${agentless.join(', ')} have no key file and SSH_AUTH_SOCK is not set: no way to log in`);
  if (problems.length === 1) throw new ConfigError(problems[0]!, 'inventory');
  if (problems.length) throw new ConfigError(`${problems.length} problems with SSH keys:\n  ${problems.join('\n  ')}`, 'inventory');
}

export async function openDriver(host: Host, inv: Inventory, ssh: SshSettings): Promise<HostDriver> {
  if (host.transport === 'local') return shellDriver(localConnection(host.name));
  const jump = host.jump === undefined ? undefined : inv.hosts.find((h) => h.name === host.jump);
  const { warm, ...opts } = ssh;
  const connect = warm ? await warmConnect(warm) : (await import('../transport/ssh.js')).connectSsh;
  return shellDriver(await connect(withHome(host), { ...opts, ...(jump ? { jump: withHome(jump) } : {}) }));
}

/** One warm connector (one socket to the daemon) per process and settings; loaded only when asked for. */
type Connect = (host: Host, ssh: SshOptions) => Promise<Connection>;
const warmConnectors = new Map<string, Promise<Connect>>();
function warmConnect(warm: WarmSettings): Promise<Connect> {
  const key = JSON.stringify(warm);
  let c = warmConnectors.get(key);
  if (!c) warmConnectors.set(key, (c = import('../transport/warm/spawn.js').then((m) => m.warmConnector(warm))));
  return c;
}
