/**
 * Ansible's YAML (or JSON) inventory format: groups at the top, each with `hosts:` (a mapping of host ->
 * vars or null), `children:` (a mapping of group -> the same shape, nested) and `vars:`. Host names may
 * be ranges (web[01:20]). Walked over the YAML nodes so that every error names file:line. Pure.
 *
 *   all:
 *     vars: { cluster_name: prod }
 *     children:
 *       etcd:
 *         hosts:
 *           etcd[1:3]: { ansible_user: deploy }
 */
import { isMap, isScalar, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { ConfigError } from '../../core/errors.js';
import { addHost, emptyInventory, groupOf, type AnsibleInventory, type Vars } from './model.js';
import { expandRange } from './ranges.js';

const GROUP_KEYS = ['hosts', 'children', 'vars'];

export function parseYamlInventory(text: string, file: string, into: AnsibleInventory = emptyInventory()): AnsibleInventory {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  const where = (n: Node | null | undefined): string => {
    const p = n?.range ? lines.linePos(n.range[0]) : undefined;
    return p ? `${file}:${p.line}` : file;
  };
  const e = doc.errors[0];
  if (e)
    throw new ConfigError(
      `does not parse as YAML/JSON: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
      e.linePos ? `${file}:${e.linePos[0].line}` : file,
    );
  const top = doc.contents;
  if (top === null) return into;
  if (!isMap(top)) throw new ConfigError('expected a mapping of groups at the top (all:, web:, ...)', where(top));

  const mapping = (n: unknown, what: string, at: Node | null): readonly Pair[] => {
    if (n === null || n === undefined || (isScalar(n) && n.value === null)) return [];
    if (!isMap(n)) throw new ConfigError(`expected a mapping for ${what}`, where((n as Node) ?? at));
    return n.items as Pair[];
  };
  const keyOf = (p: Pair): string => {
    const k = p.key as Node;
    if (!isScalar(k) || (typeof k.value !== 'string' && typeof k.value !== 'number')) throw new ConfigError('expected a name as the key', where(k));
    return String(k.value);
  };
  const varsOf = (n: unknown, what: string, at: Node): Vars => {
    const items = mapping(n, what, at);
    return Object.fromEntries(items.map((p) => [keyOf(p), (p.value as Node | null)?.toJSON() ?? null]));
  };

  const walk = (group: string, body: unknown, at: Node): void => {
    const g = groupOf(into, group, where(at));
    for (const p of mapping(body, `group ${group} (hosts:, children:, vars:)`, at)) {
      const k = keyOf(p);
      const kn = p.key as Node;
      if (!GROUP_KEYS.includes(k))
        throw new ConfigError(`group ${group} has an unknown key "${k}": expected hosts, children or vars (a group's hosts go under hosts:)`, where(kn));
      if (k === 'vars') Object.assign(g.vars, varsOf(p.value, `the vars of group ${group}`, kn));
      else if (k === 'hosts') {
        for (const h of mapping(p.value, `the hosts of group ${group} (host: vars, or host: with nothing)`, kn)) {
          const name = keyOf(h);
          const hv = varsOf(h.value, `the vars of host ${name}`, h.key as Node);
          let names: string[];
          try {
            names = expandRange(name);
          } catch (err) {
            throw new ConfigError((err as Error).message, where(h.key as Node));
          }
          for (const n of names) addHost(into, group, n, hv, where(h.key as Node));
        }
      } else {
        for (const c of mapping(p.value, `the children of group ${group}`, kn)) {
          const child = keyOf(c);
          if (group !== 'all' && !g.children.includes(child)) g.children.push(child);
          walk(child, c.value, c.key as Node);
        }
      }
    }
  };
  for (const p of top.items as Pair[]) walk(keyOf(p), p.value, p.key as Node);
  return into;
}
