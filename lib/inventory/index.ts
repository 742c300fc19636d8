/**
 * The inventory layer: load a .ts/.js inventory module, validate it, build the host model, select hosts
 * by pattern. `loadInventory` is the one call the CLI needs; `selector` adapts the result to the runner.
 */
import type { Cluster, Host } from '../core/model.js';
import type { InventorySpec } from '../dsl/inventory.js';
import { buildInventory, type Inventory } from './build.js';
import { limitHosts } from './limit.js';
import { importDefault, shown } from './load-module.js';
import { validateInventory } from './schema.js';
import { selectHosts } from './select.js';

export { buildInventory, type Inventory } from './build.js';
export { importDefault, type ModuleKind } from './load-module.js';
export { validateInventory } from './schema.js';
export { selectHosts } from './select.js';
export { limitHosts } from './limit.js';
export { conflictNotes, varConflicts, type VarConflict } from './precedence.js';
export { otherRoles } from './project-roles.js';
// How an inventory in Kubespray's layout maps onto tsplay's group names (--list-hosts shows it).
export { kubesprayNotes as groupAliasNotes } from './ansible/kubespray.js';

export async function loadInventory(file: string): Promise<Inventory> {
  const spec = await importDefault(file, 'inventory');
  return buildInventory(validateInventory(spec, shown(file)), shown(file));
}

/** What the runner's compile step asks of an inventory (lib/runner/compile.ts `Selector`). */
export interface InventorySelector {
  select(pattern: string): readonly Host[];
  limit(hosts: readonly Host[], pattern: string): readonly Host[];
  readonly cluster: Cluster;
  readonly inventory: { readonly spec: InventorySpec; readonly file: string };
}

export function selector(inv: Inventory): InventorySelector {
  return {
    select: (pattern) => selectHosts(inv, pattern),
    limit: (hosts, pattern) => limitHosts(inv, hosts, pattern),
    cluster: inv.cluster,
    inventory: { spec: inv.spec, file: inv.file },
  };
}
