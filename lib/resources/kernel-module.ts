/** kernelModule: a module loaded now (modprobe) and at every boot (/etc/modules-load.d/<name>.conf). */
import type { Action, FileState } from '../core/ops.js';
import { q } from '../core/ops.js';
import type { Change } from '../core/resource.js';
import { defineResource, type Resource } from '../core/resource.js';
import { meta, shown, type Common } from './common.js';
import { managedFile } from './managed-file.js';

export interface KernelModuleOptions extends Common {
  readonly name: string;
}

export function kernelModule(o: KernelModuleOptions): Resource<[boolean, FileState]> {
  // The kernel's MODULE_NAME_LEN is 64 bytes with the NUL; a name starting with "-" would read as an option.
  if (!/^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62}$/.test(o.name))
    throw new Error(`kernelModule: invalid module name ${shown(o.name)} (letters, digits, "_", "-", not starting with "-", at most 63 characters)`);
  const path = `/etc/modules-load.d/${o.name}.conf`;
  const conf = managedFile({ path, content: `${o.name}\n`, mode: 0o644 });
  return defineResource<[boolean, FileState]>({
    ...meta(`module:${o.name}`, o, [`module:${o.name}`, `path:${path}`], [`module:${o.name}`, `path:${path}`]),
    queries: [q.module(o.name), conf.query],
    check([loaded, have]) {
      const persisted = conf.check(have).map((c) => ({ ...c, part: path }));
      return [...(loaded ? [] : [{ field: 'loaded', before: 'no', after: 'yes' } satisfies Change]), ...persisted];
    },
    apply(_a, _f, changes) {
      const out: Action[] = [];
      if (changes.some((c) => c.field === 'loaded')) out.push({ a: 'modprobe', name: o.name });
      const fileChanges = changes.filter((c) => c.part === path).map(({ part: _, ...c }) => c);
      if (fileChanges.length) out.push(...conf.apply(fileChanges));
      return out;
    },
  });
}
