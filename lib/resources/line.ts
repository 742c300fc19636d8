/**
 * line: one line in a file. Present: replace the last line matching `match` (or equal to `line`), else
 * append; the file is created when missing. Absent: drop every such line. The edit is computed here and
 * written back whole and atomically, keeping the file's mode and owner.
 */
import type { Attrs, FileState } from '../core/ops.js';
import { q } from '../core/ops.js';
import { defineResource, type Resource } from '../core/resource.js';
import { attrChanges, checkAttrs, checkPath, checkText, meta, ownerKeys, pickAttrs, type Common } from './common.js';

/** Line edits read the whole file: beyond this they are the wrong tool. */
export const LINE_FILE_LIMIT = 1024 * 1024;

export interface LineOptions extends Attrs, Common {
  readonly path: string;
  readonly line: string;
  readonly match?: RegExp;
  readonly state?: 'present' | 'absent';
}

export interface LineEdit {
  readonly line: string;
  readonly match?: RegExp;
  readonly state?: 'present' | 'absent';
}

/** The text after the edit. Pure; keeps the rest of the file byte for byte. */
export function editLines(text: string, e: LineEdit): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const hit = (l: string) => l === e.line || (e.match !== undefined && new RegExp(e.match.source, e.match.flags.replace('g', '')).test(l));
  if (e.state === 'absent') {
    const kept = lines.filter((l) => !hit(l));
    return kept.length === lines.length ? text : kept.map((l) => `${l}\n`).join('');
  }
  let at = -1;
  lines.forEach((l, i) => {
    if (hit(l)) at = i;
  });
  if (at >= 0 && lines[at] === e.line) return text;
  if (at >= 0) lines[at] = e.line;
  else lines.push(e.line);
  return lines.map((l) => `${l}\n`).join('');
}

export function line(o: LineOptions): Resource<[FileState]> {
  const path = checkPath('line', o.path);
  if (o.line.includes('\n')) throw new Error(`line ${path}: the line must not contain a newline`);
  checkText(`line ${path}`, o.line);
  checkAttrs(`line ${path}`, o);
  const attrs = pickAttrs(o);
  const edit = (have: FileState) => {
    if (have.exists && have.type !== 'file') throw new Error(`${path} is a ${have.type}, not a regular file`);
    if (have.exists && have.content === undefined) throw new Error(`${path} is larger than ${LINE_FILE_LIMIT} bytes: too big for a line edit`);
    const before = have.content ?? '';
    return { before, after: editLines(before, o) };
  };
  return defineResource<[FileState]>({
    ...meta(`line:${path}:${o.match?.source ?? o.line}`, o, [`path:${path}`, ...ownerKeys(o)], [`path:${path}`]),
    queries: [q.file(path, { content: LINE_FILE_LIMIT })],
    check([have]) {
      const { before, after } = edit(have);
      if (!have.exists && o.state === 'absent') return [];
      const content = before === after ? [] : [o.secret ? { field: 'content' } : { field: 'content', diff: { before, after } }];
      return [...(have.exists ? [] : [{ field: 'state', before: 'absent', after: 'file' }]), ...content, ...attrChanges(have.exists ? have : {}, attrs)];
    },
    apply([have], _f, changes) {
      if (!changes.some((c) => c.field === 'content' || c.field === 'state')) return [{ a: 'attrs', path, ...attrs }];
      return [{ a: 'write', path, content: edit(have).after, ...attrs }];
    },
  });
}
