/** file: a whole file with the given content (text, bytes or a Secret) and optional mode and owner. */
import type { Attrs, FileState } from '../core/ops.js';
import { defineResource, type Resource } from '../core/resource.js';
import { Secret } from '../core/secret.js';
import { checkAttrs, checkPath, meta, ownerKeys, type Common } from './common.js';
import type { Content } from './content.js';
import { managedFile } from './managed-file.js';

export interface FileOptions extends Attrs, Common {
  readonly path: string;
  readonly content: Content;
}

/** `kind` names the id (`file:/etc/x`, `template:/etc/x`) for resources built on a plain file. */
export function fileResource(kind: string, o: FileOptions): Resource<[FileState]> {
  const path = checkPath(kind, o.path);
  checkAttrs(`${kind} ${path}`, o);
  const secret = o.secret === true || o.content instanceof Secret;
  const m = managedFile({ ...o, path, secret });
  return defineResource<[FileState]>({
    ...meta(`${kind}:${path}`, { ...o, secret }, [`path:${path}`, ...ownerKeys(o)], [`path:${path}`]),
    queries: [m.query],
    check: ([have]) => m.check(have),
    apply: (_a, _f, changes) => m.apply(changes),
  });
}

export const file = (o: FileOptions): Resource<[FileState]> => fileResource('file', o);
