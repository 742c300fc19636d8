/**
 * An Ansible inventory as its formats say it, before it becomes tsplay's InventorySpec: hosts and groups
 * in the order they appear, each with its raw vars and the line that defined it (for errors). Built by
 * the INI and YAML parsers, filled by host_vars/ and group_vars/, turned into a spec by to-spec.ts.
 */
export type Vars = Record<string, unknown>;

export interface AnsibleHost {
  readonly vars: Vars;
  /** `file:line` where the host first appears. */
  readonly at: string;
}

export interface AnsibleGroup {
  readonly hosts: string[];
  readonly children: string[];
  readonly vars: Vars;
  readonly at: string;
}

export interface AnsibleInventory {
  readonly hosts: Map<string, AnsibleHost>;
  /** `all` holds the global vars; its hosts and children are not kept (every host is in all). */
  readonly groups: Map<string, AnsibleGroup>;
}

export const emptyInventory = (): AnsibleInventory => ({ hosts: new Map(), groups: new Map() });

export function groupOf(inv: AnsibleInventory, name: string, at: string): AnsibleGroup {
  let g = inv.groups.get(name);
  if (!g) inv.groups.set(name, (g = { hosts: [], children: [], vars: {}, at }));
  return g;
}

/** Add a host to a group (once), creating the host with `vars` or merging them into it. */
export function addHost(inv: AnsibleInventory, group: string | undefined, name: string, vars: Vars, at: string): void {
  const h = inv.hosts.get(name);
  if (h) Object.assign(h.vars, vars);
  else inv.hosts.set(name, { vars: { ...vars }, at });
  if (group === undefined || group === 'all') return;
  const g = groupOf(inv, group, at);
  if (!g.hosts.includes(name)) g.hosts.push(name);
}
