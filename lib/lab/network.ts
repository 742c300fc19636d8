/**
 * The lab network: one bridge the lab creates, a private /24, the bridge at .1 and host i at .(10+i).
 * No NAT and no default route in the hosts, so they can reach nothing but each other and this machine.
 */
import { existsSync } from 'node:fs';
import { run, runQuiet } from './run.js';

export const NET = { bridge: 'tsplay0', prefix: '10.231.0', bridgeHost: 1, firstHost: 11, bits: 24 } as const;
export const MAX_HOSTS = 254 - NET.firstHost + 1;

export interface HostSpec {
  readonly name: string;
  readonly address: string;
}

/** Hosts lab-1..lab-N with their addresses. */
export function labHosts(count: number): HostSpec[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_HOSTS) throw new RangeError(`the lab holds 1 to ${MAX_HOSTS} hosts, got ${count}`);
  return Array.from({ length: count }, (_, i) => ({ name: `lab-${i + 1}`, address: `${NET.prefix}.${NET.firstHost + i}` }));
}

export const bridgeAddress = `${NET.prefix}.${NET.bridgeHost}`;

/** The host-side veth that systemd-nspawn --network-bridge creates for a machine. */
export const vethName = (machine: string): string => `vb-${machine}`.slice(0, 15);

/** systemd-networkd config for the host's end of the veth. 10- sorts before the image's 80-container-host0. */
export function networkFile(address: string): string {
  return ['[Match]', 'Name=host0', '', '[Network]', `Address=${address}/${NET.bits}`, 'LinkLocalAddressing=no', 'IPv6AcceptRA=no', ''].join('\n');
}

/** /etc/hosts naming every lab host, so roles can use peer names. */
export function etcHosts(hosts: readonly HostSpec[]): string {
  return [
    '127.0.0.1 localhost',
    '::1 localhost ip6-localhost ip6-loopback',
    `${bridgeAddress} lab-controller`,
    ...hosts.map((h) => `${h.address} ${h.name}`),
    '',
  ].join('\n');
}

/**
 * A kept host's /etc/hosts when the lab grows or shrinks: the lab's lines for `hosts`, then every other
 * line the file has (what roles wrote there, e.g. a cluster's own entries), so `lab up` never drops them.
 */
export function mergeEtcHosts(current: string, hosts: readonly HostSpec[]): string {
  const ours = etcHosts(hosts);
  const own = new Set(ours.split('\n'));
  const labLine = /^[0-9.]+ lab-\d+$/;
  const extra = current.split('\n').filter((l) => l !== '' && !own.has(l) && !labLine.test(l));
  return extra.length ? `${ours}${extra.join('\n')}\n` : ours;
}

export const linkExists = (name: string): boolean => existsSync(`/sys/class/net/${name}`);

/** Create the bridge with its address (idempotent). */
export async function ensureBridge(): Promise<void> {
  if (!linkExists(NET.bridge)) await run('ip', ['link', 'add', NET.bridge, 'type', 'bridge']);
  const addrs = await run('ip', ['-4', '-o', 'addr', 'show', 'dev', NET.bridge]);
  if (!addrs.includes(`${bridgeAddress}/${NET.bits}`)) await run('ip', ['addr', 'add', `${bridgeAddress}/${NET.bits}`, 'dev', NET.bridge]);
  await runQuiet('sysctl', ['-qw', `net.ipv6.conf.${NET.bridge}.disable_ipv6=1`]);
  await run('ip', ['link', 'set', NET.bridge, 'up']);
}

/** Remove a link when it exists (a stale vb-* veth of a killed host, or the bridge). */
export async function deleteLink(name: string): Promise<void> {
  if (linkExists(name)) await run('ip', ['link', 'del', name]);
}
