/**
 * /etc/hosts: one managed block with every cluster host, replaced whole on each run. One resource for the
 * whole block, not a `line` per host: line resources on the same file each write the file as they read it,
 * so in one apply batch the last one would undo the others.
 *
 * A name the block manages that another line maps to a different address (Debian's `127.0.1.1 <hostname>`)
 * is taken off that line (the line is commented out when no name is left): with `multi on` in
 * /etc/host.conf glibc returns every match, and a node resolving its own name to loopback breaks etcd
 * peers and kubelet registration.
 */
import { defineResource, q, type Change } from '../../lib/index.js';
import type { HostsEntry } from './vars.js';

export const BEGIN = '# BEGIN tsplay cluster hosts (managed by the prereqs role; edits here are overwritten)';
export const END = '# END tsplay cluster hosts';
const PATH = '/etc/hosts';
const LIMIT = 1024 * 1024;

export const blockLines = (entries: readonly HostsEntry[]): string[] => [BEGIN, ...entries.map((e) => `${e.address}\t${e.names.join(' ')}`), END];

/** Take the managed names that point elsewhere off a line outside the block. */
function dropConflicts(line: string, want: ReadonlyMap<string, string>): string {
  const hash = line.indexOf('#');
  const body = hash >= 0 ? line.slice(0, hash) : line;
  const [address, ...names] = body.trim().split(/\s+/);
  if (!address || names.length === 0) return line;
  const clash = (n: string) => want.has(n.toLowerCase()) && want.get(n.toLowerCase()) !== address;
  if (!names.some(clash)) return line;
  const kept = names.filter((n) => !clash(n));
  if (kept.length === 0) return `# ${line}`;
  return `${address}\t${kept.join(' ')}${hash >= 0 ? ` ${line.slice(hash)}` : ''}`;
}

/** The file after the edit: the block replaced in place (or appended), conflicting names removed. Pure. */
export function editHosts(text: string, entries: readonly HostsEntry[]): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const begin = lines.findIndex((l) => l.startsWith('# BEGIN tsplay cluster hosts'));
  const end = begin >= 0 ? lines.indexOf(END, begin + 1) : -1;
  const outside = end >= 0 ? [...lines.slice(0, begin), ...lines.slice(end + 1)] : lines;
  const at = end >= 0 ? begin : outside.length;
  const want = new Map(entries.flatMap((e) => e.names.map((n) => [n.toLowerCase(), e.address] as const)));
  const kept = outside.map((l) => dropConflicts(l, want));
  return [...kept.slice(0, at), ...blockLines(entries), ...kept.slice(at)].map((l) => `${l}\n`).join('');
}

/** What a host without /etc/hosts (a minimal image) starts from, so localhost keeps resolving. */
export const LOCALHOST = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n';

export function etcHosts(entries: readonly HostsEntry[]) {
  const edit = (have: { exists: boolean; content?: string }) => {
    if (have.exists && have.content === undefined) throw new Error(`${PATH} is larger than ${LIMIT} bytes`);
    const before = have.content ?? '';
    return { before, after: editHosts(have.exists ? before : LOCALHOST, entries) };
  };
  return defineResource({
    id: `hosts:${PATH}`,
    reads: [`path:${PATH}`],
    writes: [`path:${PATH}`],
    queries: [q.file(PATH, { content: LIMIT })],
    check([have]) {
      const { before, after } = edit(have);
      return before === after ? [] : [{ field: 'content', diff: { before, after } } satisfies Change];
    },
    // The write keeps the file's mode and owner (atomic replace with the old attributes).
    apply: ([have]) => [{ a: 'write', path: PATH, content: edit(have).after, ...(have.exists ? {} : { mode: 0o644 }) }],
  });
}
