/**
 * host_vars/ and group_vars/ beside an Ansible inventory: `group_vars/web.yml` (or .yaml, .json, no
 * extension) or a directory `group_vars/web/` of such files (read in name order), merged over the vars
 * the inventory file sets, as Ansible does. A file for a group or host the inventory does not have is an
 * error (a typo would otherwise do nothing).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { didYouMean } from '../../core/did-you-mean.js';
import { ConfigError } from '../../core/errors.js';
import { shown } from '../load-module.js';
import type { AnsibleInventory, Vars } from './model.js';
import { readMapping } from './yaml-file.js';

const VARS_FILE = /^(.+?)(\.ya?ml|\.json)?$/;

export function addVarsDirs(inv: AnsibleInventory, inventoryFile: string): void {
  const dir = dirname(inventoryFile);
  for (const kind of ['group_vars', 'host_vars'] as const) {
    const base = join(dir, kind);
    if (!existsSync(base) || !statSync(base).isDirectory()) continue;
    for (const entry of readdirSync(base).sort()) {
      if (entry.startsWith('.')) continue;
      const path = join(base, entry);
      const isDir = statSync(path).isDirectory();
      const name = isDir ? entry : VARS_FILE.exec(entry)![1]!;
      const target = targetVars(inv, kind, name, shown(path));
      const files = isDir
        ? readdirSync(path)
            .sort()
            .filter((f) => /\.(ya?ml|json)$/.test(f))
            .map((f) => join(path, f))
        : [path];
      for (const f of files) Object.assign(target, readMapping(f, shown(f)));
    }
  }
}

function targetVars(inv: AnsibleInventory, kind: 'group_vars' | 'host_vars', name: string, at: string): Vars {
  if (kind === 'host_vars') {
    const h = inv.hosts.get(name);
    if (!h) throw new ConfigError(`no host "${name}" in the inventory.${didYouMean(name, inv.hosts.keys())}`, at);
    return h.vars;
  }
  if (name === 'all') {
    let all = inv.groups.get('all');
    if (!all) inv.groups.set('all', (all = { hosts: [], children: [], vars: {}, at }));
    return all.vars;
  }
  const g = inv.groups.get(name);
  if (!g) throw new ConfigError(`no group "${name}" in the inventory.${didYouMean(name, inv.groups.keys())}`, at);
  return g.vars;
}
