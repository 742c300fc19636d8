/** directory: a directory (parents created as needed) with optional mode and owner. */
import type { Attrs, FileState } from '../core/ops.js';
import { q } from '../core/ops.js';
import { defineResource, type Resource } from '../core/resource.js';
import { attrChanges, checkAttrs, checkPath, meta, ownerKeys, pickAttrs, type Common } from './common.js';

export interface DirectoryOptions extends Attrs, Common {
  readonly path: string;
}

export function directory(o: DirectoryOptions): Resource<[FileState]> {
  const path = checkPath('directory', o.path);
  checkAttrs(`directory ${path}`, o);
  const attrs = pickAttrs(o);
  return defineResource<[FileState]>({
    ...meta(`directory:${path}`, o, [`path:${path}`, ...ownerKeys(o)], [`path:${path}`]),
    queries: [q.file(path)],
    check([have]) {
      // Replacing a file with a directory would destroy data: refuse and say why.
      if (have.exists && have.type !== 'directory') throw new Error(`${path} exists and is a ${have.type}, not a directory`);
      if (!have.exists) return [{ field: 'state', before: 'absent', after: 'directory' }, ...attrChanges({}, attrs)];
      return attrChanges(have, attrs);
    },
    apply: ([have]) => [have.exists ? { a: 'attrs', path, ...attrs } : { a: 'mkdir', path, ...attrs }],
  });
}
