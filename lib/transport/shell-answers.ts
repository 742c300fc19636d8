/**
 * The raw output of a query script -> typed answers. Pure: table-tested against outputs captured from
 * real hosts (test/fixtures/facts/).
 */
import type { CommandResult, FileState, GroupState, PackageState, Query, UnitState, UserState } from '../core/ops.js';
import { parseHostFacts } from '../facts/host.js';

/** Answer texts by query index; throws when the script stopped before its end marker. */
export function splitAnswers(stdout: string, boundary: string, count: number): string[] {
  const pieces = stdout.split(`\n${boundary} `).slice(1);
  const out: string[] = [];
  let ended = false;
  for (const piece of pieces) {
    const nl = piece.indexOf('\n');
    const label = nl < 0 ? piece : piece.slice(0, nl);
    if (label === 'end') ended = true;
    else out[Number(label)] = nl < 0 ? '' : piece.slice(nl + 1);
  }
  if (!ended || out.length !== count) throw new Error(`query script output is incomplete: ${out.length} of ${count} answers${ended ? '' : ', no end marker'}`);
  return out;
}

/** Lines starting with `tag ` (the tag removed). */
const tagged = (text: string, tag: string): string[] => text.split('\n').filter((l) => l.startsWith(`${tag} `)).map((l) => l.slice(tag.length + 1));

const TYPES: Record<string, FileState['type']> = { 'regular file': 'file', 'regular empty file': 'file', directory: 'directory', 'symbolic link': 'symlink' };

export function parseFile(text: string): FileState {
  const stat = tagged(text, 's')[0];
  if (stat === undefined) return { exists: false };
  const [type = '', mode = '0', owner = '', group = '', size = '0'] = stat.split('|');
  const sha = tagged(text, 'h')[0]?.slice(0, 64);
  const content = tagged(text, 'c')[0];
  return {
    exists: true, type: TYPES[type] ?? 'other', mode: parseInt(mode, 8), owner, group, size: Number(size),
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
  const kv = Object.fromEntries(text.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
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
    case 'file': return parseFile(text);
    case 'packages': return parsePackages(text, query.names);
    case 'unit': return parseUnit(text);
    case 'sysctl': return parseSysctl(text);
    case 'module': return text.trim() === '1';
    case 'user': return parseUser(text);
    case 'group': return parseGroup(text);
    case 'command': return parseCommand(text);
    case 'facts': return parseHostFacts(text);
  }
}
