/** The inventory model as roles and the runner see it, after loading and validation. */
import type { Secret } from './secret.js';

export interface Host {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly user: string;
  /** Private key file; ssh-agent is used when absent and SSH_AUTH_SOCK is set. */
  readonly key?: string;
  /** How to reach it: ssh (default), local (this machine, zx), fake (test kit). */
  readonly transport: 'ssh' | 'local' | 'fake';
  /** Jump host (bastion), as another host's name in the inventory. */
  readonly jump?: string;
  /** sudo password for become, if sudo needs one. */
  readonly becomePassword?: Secret;
  /** Every group the host is in, parents included, plus "all". */
  readonly groups: readonly string[];
  /** Merged vars: global < group (parents before children) < host. */
  readonly vars: Readonly<Record<string, unknown>>;
}

/** The whole inventory, for roles that need other hosts (etcd peers, LB backends). */
export interface Cluster {
  readonly hosts: readonly Host[];
  /** Hosts of a group (children included), in inventory order; throws on an unknown group. */
  group(name: string): readonly Host[];
  readonly vars: Readonly<Record<string, unknown>>;
  /** The inventory file it was built from, as errors name it (absent when built in memory). */
  readonly file?: string;
}
