/**
 * The fake host's filesystem: absolute paths to files and directories with mode and owner. Operations
 * fail the way coreutils would (a missing parent, a file where a directory should be) by throwing
 * HostFailure, which the fake turns into a failed action group - exactly what a real host reports.
 */
import { HostFailure } from './fake-failure.js';

export interface FakeNode {
  readonly type: 'file' | 'directory';
  content: Uint8Array;
  mode: number;
  owner: string;
  group: string;
}

export interface NodeAttrs {
  readonly mode?: number;
  readonly owner?: string;
  readonly group?: string;
}

const parentOf = (p: string) => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));
const norm = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);

export class FakeFs {
  readonly nodes = new Map<string, FakeNode>([['/', { type: 'directory', content: new Uint8Array(), mode: 0o755, owner: 'root', group: 'root' }]]);

  get(path: string): FakeNode | undefined {
    return this.nodes.get(norm(path));
  }

  /** `mkdir -p`: missing parents get 0755 root:root; a file in the way fails. */
  mkdirp(path: string, attrs: NodeAttrs = {}): FakeNode {
    const p = norm(path);
    const have = this.nodes.get(p);
    if (have) {
      if (have.type !== 'directory') throw new HostFailure(1, `mkdir: cannot create directory '${p}': File exists`);
      return Object.assign(have, attrs);
    }
    this.mkdirp(parentOf(p));
    const node: FakeNode = { type: 'directory', content: new Uint8Array(), mode: 0o755, owner: 'root', group: 'root', ...attrs };
    this.nodes.set(p, node);
    return node;
  }

  /** Replace a file whole (rename semantics: attributes given, else the old file's, else 0644 root:root). */
  write(path: string, content: Uint8Array, attrs: NodeAttrs = {}): FakeNode {
    const p = norm(path);
    const parent = this.nodes.get(parentOf(p));
    if (parent?.type !== 'directory') throw new HostFailure(2, `sh: cannot create ${p}: Directory nonexistent`);
    const old = this.nodes.get(p);
    if (old?.type === 'directory') throw new HostFailure(1, `mv: cannot overwrite directory '${p}' with non-directory`);
    const node: FakeNode = { type: 'file', content, mode: old?.mode ?? 0o644, owner: old?.owner ?? 'root', group: old?.group ?? 'root', ...attrs };
    this.nodes.set(p, node);
    return node;
  }

  setAttrs(path: string, attrs: NodeAttrs): void {
    const node = this.nodes.get(norm(path));
    if (!node) throw new HostFailure(1, `chmod: cannot access '${path}': No such file or directory`);
    Object.assign(node, attrs);
  }

  /** `rm -rf`: the path and everything under it; nothing there is fine. */
  remove(path: string): void {
    const p = norm(path);
    if (p === '/') throw new HostFailure(1, `rm: it is dangerous to operate recursively on '/'`);
    for (const k of [...this.nodes.keys()]) if (k === p || k.startsWith(`${p}/`)) this.nodes.delete(k);
  }

  text(path: string): string | undefined {
    const n = this.get(path);
    return n?.type === 'file' ? Buffer.from(n.content).toString('utf8') : undefined;
  }
}
