/** Open a host's driver by its transport: ssh (node-ssh/ssh2, through its jump host) or local (this machine). */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { HostDriver } from '../core/driver.js';
import type { Host } from '../core/model.js';
import type { Inventory } from '../inventory/index.js';
import { localConnection } from '../transport/local.js';
import { shellDriver } from '../transport/shell-driver.js';
import { connectSsh, type SshOptions } from '../transport/ssh.js';

export type SshSettings = Omit<SshOptions, 'jump'>;

/** Fake hosts live only in tests (tsplay/testing): refuse them before any host is touched. */
export function assertConnectable(hosts: readonly Host[]): void {
  const fake = hosts.filter((h) => h.transport === 'fake').map((h) => h.name);
  if (fake.length) throw new ConfigError(`host(s) ${fake.join(', ')} use the "fake" transport, which exists only in tests (tsplay/testing)`, 'inventory');
}

/** `~/.ssh/id_ed25519` in an inventory means the controller user's home, as in ssh. */
const withHome = (h: Host): Host => (h.key?.startsWith('~/') ? { ...h, key: join(homedir(), h.key.slice(2)) } : h);

export async function openDriver(host: Host, inv: Inventory, ssh: SshSettings): Promise<HostDriver> {
  if (host.transport === 'local') return shellDriver(localConnection(host.name));
  const jump = host.jump === undefined ? undefined : inv.hosts.find((h) => h.name === host.jump);
  return shellDriver(await connectSsh(withHome(host), { ...ssh, ...(jump ? { jump: withHome(jump) } : {}) }));
}
