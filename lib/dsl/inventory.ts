/**
 * defineInventory: hosts, groups with children, vars at global, group and host level.
 *
 * Typed so that a group naming a host or child group that does not exist, or a jump host that does not
 * exist, is a compile error; lib/inventory validates the same at run time (a .js inventory, a cast).
 */
import type { Secret } from '../core/secret.js';

export type Transport = 'ssh' | 'local' | 'fake';

export interface HostEntry<HostName extends string = string> {
  /** IPv4/IPv6 address or DNS name. Only a host named `localhost` may leave it out (it then runs locally). */
  readonly address?: string;
  readonly port?: number;
  readonly user?: string;
  /** Private key file; ssh-agent is used when absent. */
  readonly key?: string;
  readonly transport?: Transport;
  /** Bastion: another host of this inventory. */
  readonly jump?: HostName;
  /** sudo password; kept secret from every output. */
  readonly becomePassword?: string | Secret;
  readonly vars?: Readonly<Record<string, unknown>>;
}

export interface GroupEntry<HostName extends string = string, GroupName extends string = string> {
  /** Host names (defined under `hosts`). */
  readonly hosts?: readonly HostName[];
  /** Child group names: their hosts belong to this group too. */
  readonly children?: readonly GroupName[];
  readonly vars?: Readonly<Record<string, unknown>>;
}

/** Connection settings every host gets unless it sets its own. */
export type Defaults<HostName extends string = string> = Pick<HostEntry<HostName>, 'port' | 'user' | 'key' | 'transport' | 'jump'>;

export interface InventorySpec {
  readonly hosts: Readonly<Record<string, HostEntry>>;
  readonly groups?: Readonly<Record<string, GroupEntry>>;
  readonly defaults?: Defaults;
  readonly vars?: Readonly<Record<string, unknown>>;
}

export function defineInventory<
  const H extends Readonly<Record<string, HostEntry<Extract<keyof H, string>>>>,
  const G extends Readonly<Record<string, GroupEntry<Extract<keyof H, string>, Extract<keyof G, string>>>> = Record<never, never>,
>(spec: {
  readonly hosts: H;
  readonly groups?: G;
  readonly defaults?: Defaults<Extract<keyof H, string>>;
  readonly vars?: Readonly<Record<string, unknown>>;
}): InventorySpec {
  return spec;
}

/**
 * Vars typed by the roles that read them, for any `vars:` of an inventory: `varsFor<WebappVars>({ prot: 1 })`
 * is a compile error (the run refuses the same at run time). Scoped vars are typed too:
 * `varsFor<{ webapp: Partial<WebappVars> }>({ webapp: { title: 'x' } })`.
 */
export function varsFor<V extends object>(vars: { readonly [K in keyof V]?: V[K] }): Readonly<Record<string, unknown>> {
  return vars;
}
