/**
 * The project's other roles (lib/inventory/project-roles.ts) for `tsplay run`, with what the unknown-var check
 * reads of them (each role's name and the vars it reads) kept on disk between runs. Importing every role of
 * a project costs far more than the run that needs it (about 0.7 s for sample.ts beside site.ts's roles),
 * and only to learn names. An entry holds the size, mtime, ctime and inode of every module those roles import (their
 * relative imports followed from each roles/<name>/index file, the engine's own lib/ left out: its build
 * stamp, dist/.built, is part of the key) and the mtime of roles/ and of each role's folder (a role added or
 * removed): anything changed loads the roles again. No build stamp (the engine runs from its sources) or a
 * cache that cannot be read or written: the roles are loaded, as without a cache.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InventorySpec } from '../dsl/inventory.js';
import { roleUse, type Playbook } from '../dsl/playbook.js';
import { varsRead, type Role } from '../dsl/role.js';
import { otherRoles, rolesDir } from '../inventory/project-roles.js';
import { relativeClosure } from './import-walk.js';
import { fingerprint, readStamp, unchanged } from './user-mirror.js';

export interface OtherRolesCache {
  /** Where entries live; default ~/.cache/tsplay/project-roles ($XDG_CACHE_HOME). */
  readonly dir?: string;
  /** The engine's build stamp; default dist/.built beside this module (absent in a source run: no cache). */
  readonly stamp?: string;
  /** The engine's lib/ (a source checkout's), whose modules the stamp stands for and are not followed; default lib/ beside dist/. */
  readonly engine?: string;
}

interface Known {
  readonly name: string;
  readonly vars: readonly string[];
}

/** What an entry was made from: user-mirror.ts fingerprint() of each module and folder it depends on. */
interface Entry {
  readonly inputs: readonly string[];
  readonly roles: readonly Known[];
}

const defaultDir = () => join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tsplay', 'project-roles');
const defaultStamp = () => fileURLToPath(new URL('../.built', import.meta.url));
/** The engine's sources in a checkout (a role's '../../lib/index.js'): covered by the build stamp, not followed. */
const engineLib = () => fileURLToPath(new URL('../../lib/', import.meta.url));

/** otherRoles(), answered from the cache when the roles' modules and the engine are what they were. */
export async function cachedOtherRoles(playbookFile: string, pb: Playbook, spec: InventorySpec, cache: OtherRolesCache = {}): Promise<readonly Role<object>[]> {
  const mine = pb.plays.flatMap((p) => p.roles.map((r) => roleUse(r).role));
  const dir = rolesDir(dirname(resolve(playbookFile)));
  // otherRoles() loads nothing in these cases: neither does the cache.
  if (!dir || allOwn(mine, spec)) return otherRoles(playbookFile, pb, spec);
  const stamp = readStamp(cache.stamp ?? defaultStamp());
  if (stamp === undefined) return otherRoles(playbookFile, pb, spec);
  const names = [...new Set(mine.map((r) => r.name))].sort();
  const key = createHash('sha256')
    .update(`${stamp}\0${dir}\0${names.join(',')}`)
    .digest('hex')
    .slice(0, 32);
  const file = join(cache.dir ?? defaultDir(), `${key}.json`);
  const hit = readEntry(file);
  if (hit && current(hit.inputs)) return hit.roles.map(stub);
  const roles = await otherRoles(playbookFile, pb, spec);
  const inputs = safely(() => inputsOf(dir, cache.engine ?? engineLib()));
  if (inputs) writeEntry(file, { inputs, roles: roles.map((r) => ({ name: r.name, vars: varsRead(r) })) });
  return roles;
}

/** Every plain inventory var is read by the playbook's own roles (otherRoles' own test for loading nothing). */
function allOwn(mine: readonly Role<object>[], spec: InventorySpec): boolean {
  const known = new Set(mine.flatMap((r) => [r.name, ...varsRead(r)]));
  const scopes = [spec.vars, ...Object.values(spec.groups ?? {}).map((g) => g.vars), ...Object.values(spec.hosts).map((h) => h.vars)];
  return scopes.every((v) => Object.keys(v ?? {}).every((k) => known.has(k)));
}

/** A role standing for one that was loaded in an earlier run: its name and the vars it reads, nothing to run. */
const stub = (k: Known): Role<object> => ({
  name: k.name,
  tags: [k.name],
  defaults: Object.fromEntries(k.vars.map((v) => [v, undefined])),
  resources: () => [],
});

const safely = <T>(f: () => T): T | undefined => {
  try {
    return f();
  } catch {
    return undefined;
  }
};

/** Every input is as it was (size, mtime, ctime, inode). */
const current = (inputs: readonly string[]): boolean => safely(() => unchanged(inputs)) === true;

/**
 * roles/ and each folder in it, then every module reachable by relative imports from each roles/<name>/index
 * file (`./x.js` is `./x.ts` when that exists, as the TypeScript hook loads it), leaving out the engine's lib/.
 */
function inputsOf(roles: string, engine: string): string[] {
  const dirs = [
    roles,
    ...readdirSync(roles, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(roles, e.name)),
  ];
  const entries = dirs.slice(1).flatMap((d) => ['index.ts', 'index.js'].map((f) => join(d, f)).filter((f) => existsSync(f)));
  const seen = relativeClosure(
    entries,
    (f) => readFileSync(f, 'utf8'),
    (f) => f.startsWith(engine),
  );
  return [...dirs, ...seen].map((p) => fingerprint(p));
}

function readEntry(file: string): Entry | undefined {
  const v = safely(() => JSON.parse(readFileSync(file, 'utf8')) as Partial<Entry>);
  const strings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');
  const ok = v && strings(v.inputs) && Array.isArray(v.roles) && v.roles.every((k) => typeof k?.name === 'string' && strings(k.vars));
  return ok ? (v as Entry) : undefined;
}

/** Through a temporary file, so a concurrent run never reads half an entry; a cache that cannot be written only costs speed. */
function writeEntry(file: string, entry: Entry): void {
  safely(() => {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, file);
  });
}
