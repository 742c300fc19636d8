/** What every resource accepts (tags, notify, secret) and the identity fields built from it. */
import type { Attrs } from '../core/ops.js';
import type { Change } from '../core/resource.js';
import { shown } from '../core/shown.js';

// The resources quote values through common.ts; the quoting itself lives in core, for the runner too.
export { shown };

export interface Common {
  readonly tags?: readonly string[];
  /** Handler name(s) of the role to run when this resource changed. */
  readonly notify?: string | readonly string[];
  /** Report that it changes, never what it holds. */
  readonly secret?: boolean;
}

/** The identity and metadata part of a Resource. */
export function meta(id: string, c: Common, reads: readonly string[], writes: readonly string[]) {
  return {
    id,
    ...(c.tags?.length ? { tags: c.tags } : {}),
    ...(c.notify !== undefined ? { notify: typeof c.notify === 'string' ? [c.notify] : c.notify } : {}),
    ...(c.secret ? { secret: true } : {}),
    reads: [...new Set(reads)],
    writes: [...new Set(writes)],
  };
}

/** A mode as humans and chmod read it. */
export const octal = (mode: number): string => `0${mode.toString(8).padStart(3, '0')}`.slice(-4);

/** State keys an owner and group make a resource depend on (the user/group resources write them). */
export const ownerKeys = (a: Attrs): string[] => [...(a.owner ? [`user:${a.owner}`] : []), ...(a.group ? [`group:${a.group}`] : [])];

/** Attributes that differ from what the host has (only those the resource sets). */
export function attrChanges(have: Attrs, want: Attrs): Change[] {
  const out: Change[] = [];
  if (want.mode !== undefined && have.mode !== want.mode)
    out.push({ field: 'mode', ...(have.mode !== undefined ? { before: octal(have.mode) } : {}), after: octal(want.mode) });
  if (want.owner !== undefined && have.owner !== want.owner) out.push({ field: 'owner', ...(have.owner ? { before: have.owner } : {}), after: want.owner });
  if (want.group !== undefined && have.group !== want.group) out.push({ field: 'group', ...(have.group ? { before: have.group } : {}), after: want.group });
  return out;
}

/** Only the attributes that are set (an Action must not carry `mode: undefined` into renderers). */
export const pickAttrs = (a: Attrs): Attrs => ({
  ...(a.mode !== undefined ? { mode: a.mode } : {}),
  ...(a.owner !== undefined ? { owner: a.owner } : {}),
  ...(a.group !== undefined ? { group: a.group } : {}),
});

/** Linux's PATH_MAX and NAME_MAX, in bytes: a longer path fails on the host, so it is refused here. */
const PATH_MAX = 4095;
const NAME_MAX = 255;

/**
 * Absolute, normalised, no `..`, no control characters (a NUL cannot reach a shell; the others are never
 * part of a path a role means, and would reach terminals and logs), within Linux's length limits: paths end up
 * in shell scripts and state keys.
 */
export function checkPath(kind: string, path: string): string {
  if (!path.startsWith('/') || path.split('/').includes('..')) throw new Error(`${kind}: path must be absolute without "..": ${shown(path)}`);
  if (/[\p{Cc}\p{Cs}]/u.test(path)) throw new Error(`${kind}: path must not hold control characters: ${shown(path)}`);
  if (Buffer.byteLength(path) > PATH_MAX || path.split('/').some((c) => Buffer.byteLength(c) > NAME_MAX)) {
    throw new Error(`${kind}: path longer than ${PATH_MAX} bytes or with a name longer than ${NAME_MAX}: ${shown(path)}`);
  }
  return path.length > 1 ? path.replace(/\/+$/, '').replace(/\/{2,}/g, '/') : path;
}

export const isMode = (m: number | undefined): void => {
  if (m !== undefined && (!Number.isInteger(m) || m < 0 || m > 0o7777)) throw new Error(`mode must be an integer from 0 to 0o7777, got ${m}`);
};

/**
 * An owner or group that a file attribute names: the POSIX portable user name alphabet (letters, digits,
 * `.`, `_`, `-`, not starting with `-`), at most 32 characters as useradd allows. Nothing else can be a
 * name chown finds, and `--reference=/etc/shadow` or `a:b` must never reach it.
 */
const PORTABLE_NAME = /^[A-Za-z0-9._][A-Za-z0-9._-]{0,31}$/;

export function checkOwnerName(kind: string, field: 'owner' | 'group', name: string): void {
  if (!PORTABLE_NAME.test(name)) {
    throw new Error(
      `${kind}: ${field} ${shown(name)} is not a user or group name (letters, digits, ".", "_", "-", not starting with "-", at most 32 characters)`,
    );
  }
}

/** Mode, owner and group of any resource that sets them, checked when it is built. */
export function checkAttrs(kind: string, a: Attrs): void {
  isMode(a.mode);
  if (a.owner !== undefined) checkOwnerName(kind, 'owner', a.owner);
  if (a.group !== undefined) checkOwnerName(kind, 'group', a.group);
}

/** A shell command (guards, commands): it is run as it is, but a NUL byte cannot be passed to a shell. */
export function checkCommand(kind: string, command: string): string {
  if (command.includes('\0')) throw new Error(`${kind}: a command cannot hold a NUL byte: ${shown(command)}`);
  return command;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text that becomes UTF-8 on the host must be well-formed: a lone surrogate is written as U+FFFD, so the
 * host never holds what was asked and the resource would report a change on every run. The value is not
 * shown (it may be a secret), only where the bad character is.
 */
export function checkText(what: string, text: string): void {
  const m = LONE_SURROGATE.exec(text);
  if (m) throw new Error(`${what}: not well-formed Unicode (a lone surrogate at character ${m.index}): it cannot be written as UTF-8 and would never converge`);
}
