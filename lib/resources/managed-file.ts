/**
 * The whole-file logic shared by file, template, unit and the persisted part of kernelModule: check the
 * type, content and attributes of one path; apply with one atomic write or, when only attributes drift,
 * one chmod/chown.
 */
import type { Action, Attrs, FileState, TypedQuery } from '../core/ops.js';
import type { Change } from '../core/resource.js';
import { attrChanges, pickAttrs } from './common.js';
import { contentChange, contentQuery, wanted, type Content, type Wanted } from './content.js';

export interface FileSpec extends Attrs {
  readonly path: string;
  readonly content: Content;
  readonly secret?: boolean;
}

export interface ManagedFile {
  readonly query: TypedQuery<FileState>;
  check(have: FileState): Change[];
  apply(changes: readonly Change[]): Action[];
}

export function managedFile(spec: FileSpec): ManagedFile {
  const w: Wanted = wanted(spec.content, spec.secret, spec.path);
  const attrs = pickAttrs(spec);
  return {
    query: contentQuery(spec.path, w),
    check(have) {
      if (have.exists && have.type !== 'file') throw new Error(`${spec.path} exists and is a ${have.type}, not a regular file`);
      const content = contentChange(have, w);
      return [
        ...(have.exists ? [] : [{ field: 'state', before: 'absent', after: 'file' }]),
        ...(content ? [content] : []),
        ...attrChanges(have.exists ? have : {}, attrs),
      ];
    },
    apply(changes) {
      if (changes.some((c) => c.field === 'content' || c.field === 'state')) return [{ a: 'write', path: spec.path, content: w.bytes, ...attrs }];
      return [{ a: 'attrs', path: spec.path, ...attrs }];
    },
  };
}
