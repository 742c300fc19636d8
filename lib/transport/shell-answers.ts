/**
 * The raw output of a query script -> typed answers. Pure: table-tested against outputs captured from
 * real hosts (test/fixtures/facts/).
 */
import type { CommandResult, FileState, GroupState, PackageState, Query, UnitState, UserState } from '../core/ops.js';
import { parseHostFacts } from '../facts/host.js';

/** Section texts by label (a query index, `end`, or a batch's name like `files`). */
function splitSections(stdout: string, boundary: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const piece of stdout.split(`\n${boundary} `).slice(1)) {
    const nl = piece.indexOf('\n');
    sections.set(nl < 0 ? piece : piece.slice(0, nl), nl < 0 ? '' : piece.slice(nl + 1));
  }
  return sections;
}

/** Answer texts by query index; throws when the script stopped before its end marker. */
export function splitAnswers(stdout: string, boundary: string, count: number): string[] {
  return answerTexts(splitSections(stdout, boundary), count);
}

function answerTexts(sections: Map<string, string>, count: number): string[] {
  const out: string[] = [];
  for (const [label, text] of sections) if (/^\d+$/.test(label)) out[Number(label)] = text;
  const ended = sections.has('end');
  if (!ended || out.length !== count) throw new Error(`query script output is incomplete: ${out.length} of ${count} answers${ended ? '' : ', no end marker'}`);
  return out;
}

/** Every query's typed answer from a query script's output (see renderQueries). */
export function parseAnswers(queries: readonly Query[], stdout: string, boundary: string): unknown[] {
  const sections = splitSections(stdout, boundary);
  const texts = answerTexts(sections, queries.length);
  const files = sections.has('files') ? fileBatch(sections.get('files')!, sections.get('files-sha') ?? '', sections.get('files-tar') ?? '') : undefined;
  return queries.map((q, i) => (q.q === 'file' && files ? files(q) : parseAnswer(q, texts[i] ?? '')));
}

/** The batched file answers: stat records, sha256sum lines and a tar of small files' contents, by path. */
function fileBatch(statText: string, shaText: string, tarBase64: string): (q: Extract<Query, { q: 'file' }>) => FileState {
  const stats = new Map<string, string>();
  for (let at = 0; ; ) {
    const nul = statText.indexOf('\0', at);
    const nl = statText.indexOf('\n', nul + 1);
    if (nul < 0 || nl < 0) break;
    stats.set(statText.slice(at, nul), statText.slice(nul + 1, nl));
    at = nl + 1;
  }
  const shas = new Map<string, string>();
  for (const line of shaText.split('\n')) {
    const m = /^(\\?)([0-9a-f]{64}) {2}(.*)$/.exec(line);
    // sha256sum escapes a name holding a backslash or newline, and marks the line with a leading backslash.
    if (m) shas.set(m[1] ? m[3]!.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\')) : m[3]!, m[2]!);
  }
  const contents = untar(Buffer.from(tarBase64.trim(), 'base64'));
  return (q) => {
    const stat = stats.get(q.path);
    if (stat === undefined) return { exists: false };
    const state = fileState(stat);
    const sha = q.sha256 && state.type === 'file' ? shas.get(q.path) : undefined;
    const content = q.content !== undefined && state.type === 'file' && state.size! <= q.content ? contents.get(q.path) : undefined;
    return { ...state, ...(sha ? { sha256: sha } : {}), ...(content !== undefined ? { content: content.toString('utf8') } : {}) };
  };
}

/** Regular files of a GNU tar archive by name (long names come in a preceding `L` entry). */
function untar(tar: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const field = (h: Buffer, from: number, len: number) =>
    h
      .subarray(from, from + len)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  let longName: string | undefined;
  for (let at = 0; at + 512 <= tar.length; ) {
    const h = tar.subarray(at, at + 512);
    if (h.every((b) => b === 0)) break;
    const size = parseInt(field(h, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(h[156]!);
    const data = tar.subarray(at + 512, at + 512 + size);
    if (type === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '');
    else {
      if (type === '0' || type === '\0') out.set(longName ?? field(h, 0, 100), data);
      longName = undefined;
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** Lines starting with `tag ` (the tag removed). */
const tagged = (text: string, tag: string): string[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith(`${tag} `))
    .map((l) => l.slice(tag.length + 1));

const TYPES: Record<string, FileState['type']> = { 'regular file': 'file', 'regular empty file': 'file', directory: 'directory', 'symbolic link': 'symlink' };

/** `TYPE|MODE|OWNER|GROUP|SIZE` as stat prints it. */
function fileState(stat: string): FileState {
  const [type = '', mode = '0', owner = '', group = '', size = '0'] = stat.split('|');
  return { exists: true, type: TYPES[type] ?? 'other', mode: parseInt(mode, 8), owner, group, size: Number(size) };
}

export function parseFile(text: string): FileState {
  const stat = tagged(text, 's')[0];
  if (stat === undefined) return { exists: false };
  const sha = tagged(text, 'h')[0]?.slice(0, 64);
  const content = tagged(text, 'c')[0];
  return {
    ...fileState(stat),
    ...(sha && /^[0-9a-f]{64}$/.test(sha) ? { sha256: sha } : {}),
    ...(content !== undefined ? { content: Buffer.from(content, 'base64').toString('utf8') } : {}),
  };
}

/** `name<TAB>ii <TAB>version` lines; any name not listed as installed (`ii`) maps to null. */
export function parsePackages(text: string, names: readonly string[]): PackageState {
  const out: Record<string, string | null> = Object.fromEntries(names.map((n) => [n, null]));
  for (const line of text.split('\n')) {
    const [name, status, version] = line.split('\t');
    if (name && name in out && status?.trim() === 'ii' && version) out[name] = version;
  }
  return out;
}

/** `LoadState=loaded` lines of systemctl show; a host without systemd answers `unknown`. */
export function parseUnit(text: string): UnitState {
  const kv = Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { load: kv['LoadState'] || 'unknown', active: kv['ActiveState'] || 'unknown', enabled: kv['UnitFileState'] ?? '' };
}

/** The value as `sysctl -n` shows it (tabs between the fields of multi-value keys); null when absent. */
export function parseSysctl(text: string): string | null {
  return text.startsWith('v ') ? text.slice(2).replace(/\n$/, '') : null;
}

export function parseUser(text: string): UserState | null {
  const entry = tagged(text, 'p')[0];
  if (entry === undefined) return null;
  const [, , uid = '', gid = '', , home = '', shell = ''] = entry.split(':');
  const groups = (tagged(text, 'g')[0] ?? '').split(/\s+/).filter(Boolean);
  return { uid: Number(uid), gid: Number(gid), home, shell, groups };
}

export function parseGroup(text: string): GroupState | null {
  const line = text.split('\n').find((l) => l.includes(':'));
  return line === undefined ? null : { gid: Number(line.split(':')[2]) };
}

/** stdout, a newline the script added, then the exit code. */
export function parseCommand(text: string): CommandResult {
  const body = text.replace(/\n$/, '');
  const cut = body.lastIndexOf('\n');
  return { exitCode: Number(body.slice(cut + 1)), stdout: cut < 0 ? '' : body.slice(0, cut) };
}

/** The typed answer to `query` from its section of the output. */
export function parseAnswer(query: Query, text: string): unknown {
  switch (query.q) {
    case 'file':
      return parseFile(text);
    case 'packages':
      return parsePackages(text, query.names);
    case 'unit':
      return parseUnit(text);
    case 'sysctl':
      return parseSysctl(text);
    case 'module':
      return text.trim() === '1';
    case 'user':
      return parseUser(text);
    case 'group':
      return parseGroup(text);
    case 'command':
      return parseCommand(text);
    case 'facts':
      return parseHostFacts(text);
  }
}
