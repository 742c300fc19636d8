/**
 * sysctl: a kernel parameter, both at run time (/proc/sys) and persisted (a `key = value` line in a file
 * under /etc/sysctl.d, by default one file per key so that resources never fight over a shared file).
 */
import type { Action, FileState } from '../core/ops.js';
import { q } from '../core/ops.js';
import { escapeRegExp } from '../core/regexp.js';
import type { Change } from '../core/resource.js';
import { defineResource, type Resource } from '../core/resource.js';
import { checkPath, meta, shown, type Common } from './common.js';
import { editLines } from './line.js';

export interface SysctlOptions extends Common {
  readonly key: string;
  readonly value: string | number;
  /** Where it persists; default /etc/sysctl.d/90-tsplay-<key>.conf. */
  readonly file?: string;
}

/** /proc/sys separates the fields of multi-value keys with tabs; a person writes spaces. */
const norm = (v: string) => v.trim().split(/\s+/).join(' ');

/** net.bridge.* only exist once br_netfilter is loaded: depend on the module resource that loads it. */
const implied = (key: string): string[] => (key.startsWith('net.bridge.') ? ['module:br_netfilter'] : []);

/** Longer than any kernel key; the default persisted file name must also fit NAME_MAX (255 bytes). */
const KEY_MAX = 200;

/**
 * The file under /proc/sys a key names, as path components: `net.ipv4.ip_forward` (dots), or
 * `net/ipv4/conf/eth0.100/forwarding` (slashes, when a component holds a dot: a VLAN interface).
 * Each component is made of the kernel's key alphabet (letters, digits, `_`, `-`; `.` too in the slash
 * form) and none is empty, `.` or `..`: the key is written to, so it must not name a path outside /proc/sys.
 */
export function sysctlComponents(key: string): string[] {
  const slashed = key.includes('/');
  const parts = key.split(slashed ? '/' : '.');
  const component = slashed ? /^[A-Za-z0-9_.-]+$/ : /^[A-Za-z0-9_-]+$/;
  const bad = key.length > KEY_MAX || !/^[A-Za-z0-9_]/.test(key) || parts.some((p) => !component.test(p) || p === '.' || p === '..');
  if (bad) {
    throw new Error(
      `sysctl: invalid key ${shown(key)}: expected dot- or slash-separated names of letters, digits, "_" and "-" (at most ${KEY_MAX} characters), without empty, "." or ".." parts`,
    );
  }
  return parts;
}

/** A value the kernel can take and the persisted line can hold: one line, not empty. */
function checkValue(key: string, raw: string): string {
  // Tabs are fine: /proc/sys separates multi-value fields with them, and norm() makes them spaces.
  const m = /[^\P{Cc}\t]|\p{Cs}/u.exec(raw);
  if (m)
    throw new Error(
      `sysctl ${shown(key)}: the value holds control character U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} (a newline would start another line of the persisted file): ${shown(raw)}`,
    );
  const value = norm(raw);
  if (value === '') throw new Error(`sysctl ${shown(key)}: the value is empty`);
  return value;
}

export function sysctl(o: SysctlOptions): Resource<[string | null, FileState]> {
  sysctlComponents(o.key);
  const value = checkValue(o.key, String(o.value));
  const file = checkPath('sysctl', o.file ?? `/etc/sysctl.d/90-tsplay-${o.key.replace(/\//g, '.')}.conf`);
  const wantLine = `${o.key} = ${value}`;
  const edit = { line: wantLine, match: new RegExp(`^\\s*${escapeRegExp(o.key)}\\s*=`) };
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
      if (before !== after) out.push({ part: file, field: 'content', diff: { before, after } });
      return out;
    },
    apply([, have], _f, changes) {
      const out: Action[] = [];
      if (changes.some((c) => c.field === 'value')) out.push({ a: 'sysctl', key: o.key, value });
      if (changes.some((c) => c.part === file)) out.push({ a: 'write', path: file, content: persisted(have).after });
      return out;
    },
  });
}
