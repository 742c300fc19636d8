/**
 * `tsplay inventory convert hosts.ini`: an Ansible inventory as the equivalent typed .ts inventory
 * (lib/dsl/inventory.ts), printed to stdout. A become password is not printed: the .ts reads it from an
 * environment variable instead, named in a comment. `tsplay inventory list` shows hosts and groups.
 */
import type { Command } from 'commander';
import type { InventorySpec } from '../dsl/inventory.js';
import { beforeImport, type UserCodeIO } from './user-code.js';

const EXAMPLES = `
Examples:
  tsplay inventory convert inventory/mycluster/hosts.ini > inventory/mycluster.ts
  tsplay inventory convert hosts.yml
  tsplay run playbooks/site.ts -i hosts.ini      an Ansible inventory can also be used as it is

Ansible's connection vars become host settings (ansible_host, ansible_port, ansible_user,
ansible_ssh_private_key_file, ansible_become_password, ansible_connection=local); group_vars/ and
host_vars/ beside the file are merged in; other ansible_* vars are Ansible's own and are left out.`;

const ident = /^[A-Za-z_$][\w$]*$/;
const key = (k: string) => (ident.test(k) ? k : `'${k.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);

/** A value as TypeScript source, in the repository's style (single quotes, trailing commas off). */
export function tsValue(v: unknown, indent = ''): string {
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'undefined';
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    const flat = `[${v.map((x) => tsValue(x, inner)).join(', ')}]`;
    return flat.length <= 80 && !flat.includes('\n') ? flat : `[\n${v.map((x) => `${inner}${tsValue(x, inner)},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(v);
  if (entries.length === 0) return '{}';
  const flat = `{ ${entries.map(([k, x]) => `${key(k)}: ${tsValue(x, inner)}`).join(', ')} }`;
  if (flat.length <= 100 && !flat.includes('\n')) return flat;
  return `{\n${entries.map(([k, x]) => `${inner}${key(k)}: ${tsValue(x, inner)},`).join('\n')}\n${indent}}`;
}

const envName = (host: string) => `TSPLAY_BECOME_PASSWORD_${host.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

/** The .ts source of an inventory spec; become passwords become environment variable reads. */
export function inventorySource(spec: InventorySpec, from: string, importFrom = 'tsplay'): string {
  const envs: string[] = [];
  const hosts = Object.fromEntries(
    Object.entries(spec.hosts).map(([n, e]) => {
      if (e.becomePassword === undefined) return [n, e];
      envs.push(envName(n));
      return [n, { ...e, becomePassword: `\u0000${envName(n)}` }];
    }),
  );
  const body = tsValue({ ...spec, hosts }).replace(/'\\u0000(\w+)'|'\u0000(\w+)'/g, (_m, a: string, b: string) => `process.env.${a ?? b} ?? ''`);
  const note = envs.length ? ` *\n * Become passwords are not written here: set ${envs.join(', ')}.\n` : '';
  return `/**\n * Converted from ${from} by \`tsplay inventory convert\`.\n${note} */\nimport { defineInventory } from '${importFrom}';\n\nexport default defineInventory(${body});\n`;
}

export function registerInventory(program: Command, io: UserCodeIO & { readonly stdout: NodeJS.WritableStream }): void {
  const inv = program.command('inventory').description("work with inventories: convert Ansible's to typed .ts").addHelpText('after', EXAMPLES);
  inv
    .command('convert')
    .description('print an Ansible inventory (INI or YAML, with group_vars/ and host_vars/) as a typed .ts inventory')
    .argument('<file>', 'hosts.ini, hosts.yml, hosts.yaml, hosts.json or an INI file without extension')
    .option('--import-from <module>', 'where the .ts imports defineInventory from', 'tsplay')
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, o: { importFrom: string }) => {
      // The inventory layer loads when the command runs, not for --help.
      const [{ importDefault, validateInventory }, { shown }] = await Promise.all([import('../inventory/index.js'), import('../inventory/load-module.js')]);
      beforeImport(file, io);
      const spec = validateInventory(await importDefault(file, 'inventory'), shown(file));
      io.stdout.write(inventorySource(spec, shown(file), o.importFrom));
    });
}
