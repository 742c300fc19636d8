/**
 * A role's vars on one host, by precedence: role defaults < inventory vars (flat, then scoped under the
 * role's name) < the play's overrides < `-e key=value`. Only keys the role declares in its defaults are
 * taken from the inventory; extra vars are coerced to the type of the default.
 */
import { ARTIFACT_MIRROR_VAR, mirrorVarBase } from '../core/artifact-mirror.js';
import { ConfigError } from '../core/errors.js';
import type { Host } from '../core/model.js';
import type { Role } from '../dsl/role.js';

type Vars = Record<string, unknown>;

const pick = (from: unknown, keys: readonly string[]): Vars =>
  from && typeof from === 'object' ? Object.fromEntries(Object.entries(from).filter(([k]) => keys.includes(k))) : {};

/** A string from the command line, read as the type the default has. */
export function coerce(raw: string, like: unknown, where: string): unknown {
  if (typeof like === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || Number.isNaN(n)) throw new ConfigError(`expected a number, got "${raw}"`, where);
    return n;
  }
  if (typeof like === 'boolean') {
    if (!['true', 'false', 'yes', 'no', '1', '0'].includes(raw)) throw new ConfigError(`expected true or false, got "${raw}"`, where);
    return ['true', 'yes', '1'].includes(raw);
  }
  if (like !== null && typeof like === 'object') {
    try {
      return JSON.parse(raw);
    } catch {
      throw new ConfigError(`expected JSON (${Array.isArray(like) ? 'an array' : 'an object'}), got "${raw}"`, where);
    }
  }
  return raw;
}

export function roleVars(role: Role<object>, host: Host, overrides: Vars, extra: Readonly<Record<string, string>>): Vars {
  const defaults = role.defaults as Vars;
  const keys = Object.keys(defaults);
  const fromExtra = Object.fromEntries(
    Object.entries(extra)
      .filter(([k]) => keys.includes(k))
      .map(([k, v]) => [k, coerce(v, defaults[k], `-e ${k}`)]),
  );
  const merged = { ...defaults, ...pick(host.vars, keys), ...pick(host.vars[role.name], keys), ...overrides, ...fromExtra };
  if (!role.schema) return merged;
  const parsed = role.schema.safeParse(merged);
  if (parsed.success) return parsed.data as Vars;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  throw new ConfigError(`var ${field || '(root)'}: ${issue.message}`, `role ${role.name} on ${host.name}`);
}

/**
 * Where `host` fetches artifacts (the engine var artifact_mirror): -e over its inventory vars; undefined for
 * none (SSH uploads). `file` is the inventory's, for the error a bad value gets.
 */
export function artifactMirrorOf(host: Host, extra: Readonly<Record<string, string>>, file: string): string | undefined {
  if (Object.hasOwn(extra, ARTIFACT_MIRROR_VAR)) return mirrorVarBase(extra[ARTIFACT_MIRROR_VAR], `-e ${ARTIFACT_MIRROR_VAR}`);
  return mirrorVarBase(host.vars[ARTIFACT_MIRROR_VAR], `${file}: host ${host.name}: ${ARTIFACT_MIRROR_VAR}`);
}
