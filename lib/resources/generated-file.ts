/**
 * generatedFile: a whole file whose content is made on the controller during the run's preparation
 * (certificates, kubeconfigs), not known when the role builds its resources. `load` runs once per run
 * before any host is touched; in check mode it may answer undefined (not made yet), and the change then
 * says the content is still to be made instead of guessing it.
 */
import type { Attrs, FileState } from '../core/ops.js';
import { q } from '../core/ops.js';
import { defineResource, type PrepareContext, type Resource } from '../core/resource.js';
import { checkAttrs, checkPath, meta, ownerKeys, type Common } from './common.js';
import type { Content } from './content.js';
import { managedFile, type ManagedFile } from './managed-file.js';

export interface GeneratedFileOptions extends Attrs, Common {
  readonly path: string;
  /** The content, or undefined when check mode found it not made yet. */
  readonly load: (ctx: PrepareContext) => Promise<Content | undefined>;
  /** Shown when check mode finds the content not made yet (default: "made on the controller"). */
  readonly pendingNote?: string;
  /**
   * Never replace different content already on the host: fail with this message instead (a cluster CA:
   * pushing another one would cut every member off from the others).
   */
  readonly refuseReplace?: string;
}

export function generatedFile(o: GeneratedFileOptions): Resource<[FileState]> {
  const path = checkPath('generatedFile', o.path);
  checkAttrs(`generatedFile ${path}`, o);
  let m: ManagedFile | undefined;
  let prepared = false;
  const pending = o.pendingNote ?? 'made on the controller';
  return defineResource<[FileState]>({
    ...meta(`file:${path}`, o, [`path:${path}`, ...ownerKeys(o)], [`path:${path}`]),
    // By hash, whatever the content: the query must be fixed before the content is known.
    queries: [q.file(path, { sha256: true })],
    async prepare(ctx) {
      const content = await o.load(ctx);
      // Bytes, so that managedFile compares by hash as queried (text would ask for the old content).
      if (content !== undefined) m = managedFile({ ...o, path, content: typeof content === 'string' ? Buffer.from(content) : content });
      prepared = true;
    },
    check([have]) {
      if (!prepared) throw new Error(`${path} was not prepared: its content is made on the controller before hosts are checked`);
      const changes = m ? m.check(have) : [];
      if (o.refuseReplace && have.exists && (!m || changes.some((c) => c.field === 'content')))
        throw new Error(`${path} on the host differs: ${o.refuseReplace}`);
      if (m) return changes;
      return [...(have.exists ? [] : [{ field: 'state', before: 'absent', after: 'file' }]), { field: 'content', after: `(${pending})` }];
    },
    apply(_a, _f, changes) {
      if (!m) throw new Error(`${path}: its content was never made (apply without a successful prepare)`);
      return m.apply(changes);
    },
  });
}
