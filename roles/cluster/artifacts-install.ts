/**
 * installBinaries: one `artifact` resource that puts chosen binaries of a resolved table entry into a
 * directory on the host (fetched and verified once on the controller, only changed files pushed).
 */
import { artifact, type AnyResource, type Common } from '../../lib/index.js';
import { membersOf, type ResolvedArtifact } from './artifacts.js';

export interface InstallOptions extends Pick<Common, 'notify' | 'tags'> {
  /** Controller cache (default TSPLAY_CACHE or ~/.cache/tsplay/artifacts). */
  readonly cacheDir?: string;
}

/** Each binary lands under the name asked for, whatever its archive member is called (./flannel-amd64 -> flannel). */
export function installBinaries(a: ResolvedArtifact, names: readonly string[], dest: string, o: InstallOptions = {}): AnyResource {
  const members = membersOf(a, names);
  const common = { url: a.url, ...a.checksum, mode: 0o755, owner: 'root', ...o };
  // A download that is the binary itself (flanneld-amd64, runc.amd64) lands under the name asked for.
  if (members.length === 1 && members[0] === '') return artifact({ ...common, path: `${dest.replace(/\/$/, '')}/${names[0]}` });
  if (members.includes('')) throw new Error(`${a.component}: a single-file download holds one binary, not ${names.join(', ')}`);
  return artifact({ ...common, extract: { files: members, dest, names } });
}
