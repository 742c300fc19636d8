/**
 * `--limit`: narrow a play's hosts with the same pattern language, or with `@file` naming one host (or
 * pattern) per line, as a retry list does; blank lines and `#` comments are skipped.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import type { Host } from '../core/model.js';
import type { Inventory } from './build.js';
import { selectHosts } from './select.js';

export type ReadText = (file: string) => string;

const readText: ReadText = (file) => readFileSync(file, 'utf8');

/** `hosts` (kept in their order) that also match `limit`. */
export function limitHosts(inv: Inventory, hosts: readonly Host[], limit: string, read: ReadText = readText): Host[] {
  const where = limit.startsWith('@') ? `--limit ${limit}` : '--limit';
  const pattern = limit.startsWith('@') ? fromFile(limit.slice(1), where, read) : limit;
  const keep = new Set(selectHosts(inv, pattern, where).map((h) => h.name));
  return hosts.filter((h) => keep.has(h.name));
}

function fromFile(file: string, where: string, read: ReadText): string {
  let text: string;
  try {
    text = read(file);
  } catch (e) {
    throw new ConfigError(`cannot read the limit file: ${(e as Error).message}`, where, { cause: e });
  }
  const names = text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
  if (names.length === 0) throw new ConfigError('the limit file names no hosts', where);
  return names.join(',');
}
