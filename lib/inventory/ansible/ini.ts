/**
 * Ansible's INI inventory format, parsed by hand: no npm INI parser reads it (host lines are a name
 * followed by space-separated key=value pairs, with quoting, and there are `[g:vars]` and `[g:children]`
 * sections), the `ini` package would take `web1 ansible_host=x` as one key. Pure; errors name file:line.
 *
 *   # comment            ; comment
 *   lonely.example.com                       (before any section: group "ungrouped")
 *   [web]
 *   web[01:03].example.com ansible_user=deploy
 *   [web:vars]
 *   http_port=8080
 *   [prod:children]
 *   web
 */
import { ConfigError } from '../../core/errors.js';
import { addHost, emptyInventory, groupOf, type AnsibleInventory, type Vars } from './model.js';
import { expandRange } from './ranges.js';
import { scalar } from './values.js';

type Section = { group: string; kind: 'hosts' | 'vars' | 'children' };

const SECTION = /^\[([^\]:\s]+)(?::(\w+))?\]\s*$/;

export function parseIni(text: string, file: string, into: AnsibleInventory = emptyInventory()): AnsibleInventory {
  let section: Section = { group: 'ungrouped', kind: 'hosts' };
  text.split(/\r?\n/).forEach((raw, i) => {
    const at = `${file}:${i + 1}`;
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    if (line.startsWith('[')) {
      const m = SECTION.exec(line);
      if (!m) throw new ConfigError(`expected a section header such as [web], [web:vars] or [web:children], got ${JSON.stringify(line)}`, at);
      const kind = m[2] ?? 'hosts';
      if (kind !== 'vars' && kind !== 'children' && kind !== 'hosts') {
        throw new ConfigError(`unknown section kind ":${kind}" in ${line}: expected :vars or :children`, at);
      }
      section = { group: m[1]!, kind };
      if (section.group !== 'all') groupOf(into, section.group, at);
      return;
    }
    const words = split(line, at);
    if (section.kind === 'vars') {
      const kv = pair(line, at, words.length === 1 ? undefined : 'one key=value per line');
      Object.assign(section.group === 'all' ? groupOf(into, 'all', at).vars : groupOf(into, section.group, at).vars, kv);
    } else if (section.kind === 'children') {
      if (words.length !== 1) throw new ConfigError(`expected one group name per line in [${section.group}:children], got ${JSON.stringify(line)}`, at);
      const g = groupOf(into, section.group, at);
      if (!g.children.includes(words[0]!)) g.children.push(words[0]!);
    } else {
      const [name, ...rest] = words;
      const vars: Vars = {};
      for (const w of rest) Object.assign(vars, pair(w, at));
      let names: string[];
      try {
        names = expandRange(name!);
      } catch (e) {
        throw new ConfigError((e as Error).message, at);
      }
      for (const n of names) addHost(into, section.group, n, vars, at);
    }
  });
  return into;
}

/** `key=value`, the value typed (see values.ts); `why` says what the line should have been. */
function pair(text: string, at: string, why?: string): Vars {
  const eq = text.indexOf('=');
  const key = text.slice(0, eq).trim();
  if (eq <= 0 || !/^[A-Za-z_][\w]*$/.test(key)) throw new ConfigError(`expected key=value${why ? ` (${why})` : ''}, got ${JSON.stringify(text)}`, at);
  return { [key]: scalar(unquote(text.slice(eq + 1).trim(), at)) };
}

/** A host line into words; quotes (single or double) keep spaces inside a value. */
function split(line: string, at: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      cur += c;
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      cur += c;
      quote = c;
    } else if (c === '#' && /\s/.test(line[i - 1] ?? ' ')) {
      break;
    } else if (/\s/.test(c)) {
      if (cur) words.push(cur);
      cur = '';
    } else cur += c;
  }
  if (quote) throw new ConfigError(`unterminated ${quote} quote in ${JSON.stringify(line)}`, at);
  if (cur) words.push(cur);
  return words;
}

function unquote(v: string, at: string): string {
  const q = v[0];
  if ((q === '"' || q === "'") && v.length >= 2 && v.endsWith(q)) return v.slice(1, -1);
  if (q === '"' || q === "'") throw new ConfigError(`unterminated ${q} quote in ${JSON.stringify(v)}`, at);
  return v;
}
