/**
 * The keepalived gate, run on each lb host: the expected MASTER (highest priority) holds the VIP, every
 * other lb host does not, and VIP:apiserver_port accepts a connection (haproxy answers through the VIP).
 * Together over the lb hosts: the VIP is on exactly one of them, the right one, and it serves.
 */
import type { Gate, GateContext } from '../../lib/index.js';
import { vipOf } from './vip.js';
import { master, peers } from './peers.js';
import type { KeepalivedVars } from './vars.js';

/** The host's addresses on the VIP interface, one `ip -o addr` line each. */
export const addrCommand = (v: KeepalivedVars): string => `ip -o addr show dev ${v.vip_interface}`;

/** A TCP connect to VIP:port, from this host (bash's /dev/tcp: no extra tool needed). */
export const connectCommand = (vip: string, port: number): string => `timeout 3 bash -c 'exec 3<>/dev/tcp/${vip}/${port}'`;

/** Does an `ip -o addr` listing hold this address? Pure. */
export const holds = (listing: string, vip: string): boolean => listing.split('\n').some((l) => l.split(/\s+/).some((f) => f.split('/')[0] === vip));

export const vipGate: Gate<KeepalivedVars> = {
  name: 'VIP on exactly one lb host, serving',
  retries: 15,
  delayMs: 250,
  async check({ exec, vars, host, cluster }: GateContext<KeepalivedVars>) {
    const vip = vipOf(cluster);
    const expected = master(peers(vars, host, cluster)).name;
    const a = await exec(addrCommand(vars));
    if (a.exitCode !== 0) throw new Error(`${addrCommand(vars)} exited ${a.exitCode}: ${a.stderr.trim()}`);
    const mine = holds(a.stdout, vip);
    if (expected === host.name && !mine) throw new Error(`${host.name} has the highest priority but does not hold ${vip} yet`);
    if (expected !== host.name && mine) throw new Error(`${host.name} holds ${vip} while ${expected} (higher priority) should`);
    const c = await exec(connectCommand(vip, vars.apiserver_port));
    if (c.exitCode !== 0) throw new Error(`${vip}:${vars.apiserver_port} refuses connections from ${host.name}`);
  },
};
