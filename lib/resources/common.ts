/** What every resource accepts (tags, notify, secret) and the identity fields built from it. */
import type { Attrs } from '../core/ops.js';
import type { Change } from '../core/resource.js';

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
  if (want.mode !== undefined && have.mode !== want.mode) out.push({ field: 'mode', ...(have.mode !== undefined ? { before: octal(have.mode) } : {}), after: octal(want.mode) });
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

/** Absolute, normalised, no `..`: paths end up in shell scripts and state keys. */
export function checkPath(kind: string, path: string): string {
  if (!path.startsWith('/') || path.split('/').includes('..')) throw new Error(`${kind}: path must be absolute without "..": ${JSON.stringify(path)}`);
  return path.length > 1 ? path.replace(/\/+$/, '').replace(/\/{2,}/g, '/') : path;
}

export const isMode = (m: number | undefined): void => {
  if (m !== undefined && (!Number.isInteger(m) || m < 0 || m > 0o7777)) throw new Error(`mode must be an integer from 0 to 0o7777, got ${m}`);
};
