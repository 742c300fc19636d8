/** absent: nothing at this path (a file, or a directory with everything under it). */
import type { FileState } from '../core/ops.js';
import { q } from '../core/ops.js';
import { defineResource, type Resource } from '../core/resource.js';
import { checkPath, meta, type Common } from './common.js';

export interface AbsentOptions extends Common {
  readonly path: string;
}

export function absent(o: AbsentOptions): Resource<[FileState]> {
  const path = checkPath('absent', o.path);
  if (path === '/') throw new Error('absent: refusing to remove /');
  return defineResource<[FileState]>({
    ...meta(`absent:${path}`, o, [`path:${path}`], [`path:${path}`]),
    queries: [q.file(path)],
    check: ([have]) => (have.exists ? [{ field: 'state', before: have.type ?? 'present', after: 'absent' }] : []),
    apply: () => [{ a: 'remove', path }],
  });
}
