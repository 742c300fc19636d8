/**
 * sysctl: a kernel parameter, both at run time (/proc/sys) and persisted (a `key = value` line in a file
 * under /etc/sysctl.d, by default one file per key so that resources never fight over a shared file).
 */
import type { Action, FileState } from '../core/ops.js';
import { q } from '../core/ops.js';
import type { Change } from '../core/resource.js';
import { defineResource, type Resource } from '../core/resource.js';
import { checkPath, meta, type Common } from './common.js';
import { editLines } from './line.js';

export interface SysctlOptions extends Common {
  readonly key: string;
  readonly value: string | number;
  /** Where it persists; default /etc/sysctl.d/90-tsplay-<key>.conf. */
  readonly file?: string;
}

/** /proc/sys separates the fields of multi-value keys with tabs; a person writes spaces. */
const norm = (v: string) => v.trim().split(/\s+/).join(' ');
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** net.bridge.* only exist once br_netfilter is loaded: depend on the module resource that loads it. */
const implied = (key: string): string[] => (key.startsWith('net.bridge.') ? ['module:br_netfilter'] : []);

export function sysctl(o: SysctlOptions): Resource<[string | null, FileState]> {
  if (!/^[a-zA-Z0-9_][a-zA-Z0-9_.\/-]*$/.test(o.key)) throw new Error(`sysctl: invalid key ${JSON.stringify(o.key)}`);
  const value = norm(String(o.value));
  const file = checkPath('sysctl', o.file ?? `/etc/sysctl.d/90-tsplay-${o.key.replace(/\//g, '.')}.conf`);
  const wantLine = `${o.key} = ${value}`;
  const edit = { line: wantLine, match: new RegExp(`^\\s*${escapeRe(o.key)}\\s*=`) };
  const persisted = (have: FileState) => {
    const before = have.content ?? '';
    return { before, after: editLines(before, edit) };
  };
  return defineResource<[string | null, FileState]>({
    ...meta(`sysctl:${o.key}`, o, [`sysctl:${o.key}`, `path:${file}`, ...implied(o.key)], [`sysctl:${o.key}`, `path:${file}`]),
    queries: [q.sysctl(o.key), q.file(file, { content: 64 * 1024 })],
    check([now, have]) {
      const out: Change[] = [];
      if (now === null || norm(now) !== value) out.push({ field: 'value', before: now === null ? '(absent)' : norm(now), after: value });
      const { before, after } = persisted(have);
      if (before !== after) out.push({ field: file, diff: { before, after } });
      return out;
    },
    apply([, have], _f, changes) {
      const out: Action[] = [];
      if (changes.some((c) => c.field === 'value')) out.push({ a: 'sysctl', key: o.key, value });
      if (changes.some((c) => c.field === file)) out.push({ a: 'write', path: file, content: persisted(have).after });
      return out;
    },
  });
}
