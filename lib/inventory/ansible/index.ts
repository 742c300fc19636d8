/**
 * Ansible inventories as tsplay inventories: `hosts.ini` (or a file without an extension, as Ansible's
 * `hosts`) and `hosts.yml` / `.yaml` / `.json`, with host_vars/ and group_vars/ beside them; Kubespray's
 * layout gains tsplay's group names (kubespray.ts).
 */
import { extname } from 'node:path';
import type { InventorySpec } from '../../dsl/inventory.js';
import { shown } from '../load-module.js';
import { parseIni } from './ini.js';
import { addKubesprayAliases } from './kubespray.js';
import { addVarsDirs } from './vars-dirs.js';
import { toSpec } from './to-spec.js';
import { readText, type ReadText } from './yaml-file.js';
import { parseYamlInventory } from './yaml-inventory.js';

/** Whether a path names an Ansible inventory rather than a .ts/.js module. */
export const isAnsibleInventory = (file: string): boolean => !/\.[cm]?[jt]s$/.test(file);

export function loadAnsibleInventory(file: string, read: ReadText = readText): InventorySpec {
  const text = read(file);
  const ext = extname(file);
  const at = shown(file);
  const inv = /^\.(ya?ml|json)$/.test(ext) ? parseYamlInventory(text, at) : parseIni(text, at);
  addVarsDirs(inv, file);
  // Kubespray's group names gain tsplay's as aliases (kubespray.ts), after group_vars/host_vars are in.
  addKubesprayAliases(inv);
  return toSpec(inv);
}

export { parseIni } from './ini.js';
export { parseYamlInventory } from './yaml-inventory.js';
export { toSpec } from './to-spec.js';
export { addKubesprayAliases, KUBESPRAY_ALIASES, kubesprayNotes } from './kubespray.js';
