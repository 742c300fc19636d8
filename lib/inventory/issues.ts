/**
 * Validation problems as people read them: the field path as they would write it in the inventory
 * (`groups.etcd.hosts[2]`, `hosts["db.example.com"].port`), what was expected and what was found.
 * Secret fields never show their value.
 */
import { didYouMean } from '../core/did-you-mean.js';

export type Path = readonly PropertyKey[];

export interface Problem {
  readonly path: Path;
  readonly message: string;
}

/** The subset of a zod issue this module reads. */
export interface IssueLike {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly input?: unknown;
  readonly keys?: readonly string[];
}

const PLAIN_KEY = /^[A-Za-z_][\w-]*$/;

export function formatPath(path: Path): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (PLAIN_KEY.test(String(k))) out += out ? `.${String(k)}` : String(k);
    else out += `[${JSON.stringify(String(k))}]`;
  }
  return out;
}

/** A short, safe picture of a value for "got ...". */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

const isSecret = (path: Path) => path.some((k) => k === 'becomePassword');

/** One zod issue as a Problem; `fieldsAt` says which fields the object at a path may have. */
export function problemOf(issue: IssueLike, fieldsAt: (path: Path) => readonly string[]): Problem[] {
  if (issue.code === 'unrecognized_keys') {
    const known = fieldsAt(issue.path);
    return (issue.keys ?? []).map((key) => ({
      path: [...issue.path, key],
      message: `unknown field (expected one of ${known.join(', ')}).${didYouMean(key, known)}`,
    }));
  }
  const got = isSecret(issue.path) ? '' : `, got ${describe(issue.input)}`;
  return [{ path: issue.path, message: `${issue.message}${issue.code === 'custom' ? '' : got}` }];
}

/** All problems as one message: a single line for one, an indented list for several. */
export function report(problems: readonly Problem[], where = 'the inventory'): string {
  const lines = problems.map((p) => (p.path.length ? `${formatPath(p.path)}: ${p.message}` : p.message));
  if (lines.length === 1) return lines[0]!;
  return `${lines.length} problems in ${where}:\n${lines.map((l) => `  ${l}`).join('\n')}`;
}
