/** defineInventory: hosts, groups with children, vars at global, group and host level. */

export interface HostEntry {
  readonly address: string;
  readonly port?: number;
  readonly user?: string;
  readonly key?: string;
  readonly transport?: 'ssh' | 'local' | 'fake';
  readonly jump?: string;
  readonly becomePassword?: string;
  readonly vars?: Readonly<Record<string, unknown>>;
}

export interface GroupEntry {
  /** Host names (defined under `hosts`). */
  readonly hosts?: readonly string[];
  /** Child group names: their hosts belong to this group too. */
  readonly children?: readonly string[];
  readonly vars?: Readonly<Record<string, unknown>>;
}

export interface InventorySpec {
  readonly hosts: Readonly<Record<string, HostEntry>>;
  readonly groups?: Readonly<Record<string, GroupEntry>>;
  /** Defaults for every host's connection. */
  readonly defaults?: Pick<HostEntry, 'port' | 'user' | 'key' | 'transport' | 'jump'>;
  readonly vars?: Readonly<Record<string, unknown>>;
}

export function defineInventory<const I extends InventorySpec>(spec: I): I {
  return spec;
}
