/**
 * Read a YAML or JSON file (JSON is YAML) into a value, or a ConfigError naming the file and the line of
 * the first syntax error. Shared by vars files (-e @file), Ansible YAML inventories, host_vars/ and
 * group_vars/. A duplicate key is an error, as it almost always is a mistake.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { ConfigError } from '../../core/errors.js';

export type ReadText = (file: string) => string;

export const readText: ReadText = (file) => readFileSync(file, 'utf8');

/** `text` parsed; errors name `shownAs:line:column`. Pure. */
export function parseYaml(text: string, shownAs: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const e = doc.errors[0];
  if (e) {
    const at = e.linePos?.[0];
    const reason = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(`does not parse as YAML/JSON: ${reason}`, at ? `${shownAs}:${at.line}:${at.col}` : shownAs);
  }
  return doc.toJS();
}

/** A file that must hold a mapping (vars files, group_vars, host_vars); an empty file is an empty mapping. */
export function readMapping(file: string, shownAs: string, read: ReadText = readText): Record<string, unknown> {
  let text: string;
  try {
    text = read(file);
  } catch (e) {
    throw new ConfigError(`cannot read: ${(e as Error).message}`, shownAs, { cause: e });
  }
  const v = parseYaml(text, shownAs);
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v))
    throw new ConfigError(`expected a mapping of vars (key: value), got ${Array.isArray(v) ? 'a list' : typeof v}`, shownAs);
  return v as Record<string, unknown>;
}
