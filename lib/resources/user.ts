/**
 * user and group. A user's `groups` are supplementary groups it must be in; groups it has beyond those
 * are left alone (other roles may have added them).
 */
import type { GroupState, UserState } from '../core/ops.js';
import { q } from '../core/ops.js';
import type { Change } from '../core/resource.js';
import { defineResource, type Resource } from '../core/resource.js';
import { checkPath, meta, shown, type Common } from './common.js';

const NAME = /^[a-z_][a-z0-9_-]*\$?$/;
const valid = (kind: string, n: string) => {
  if (!NAME.test(n) || n.length > 32)
    throw new Error(`${kind}: invalid name ${shown(n)} (lowercase letters, digits, "_", "-", not starting with a digit or "-", at most 32 characters)`);
};

/** Home and shell are fields of /etc/passwd: absolute paths, and no `:` (its field separator). */
function passwdPath(kind: string, p: string): string {
  if (p.includes(':')) throw new Error(`${kind}: must not contain ":" (the /etc/passwd field separator): ${shown(p)}`);
  return checkPath(kind, p);
}

export interface UserOptions extends Common {
  readonly name: string;
  readonly system?: boolean;
  readonly home?: string;
  readonly shell?: string;
  readonly groups?: readonly string[];
  /** Create the home directory (default: for non-system users). */
  readonly createHome?: boolean;
  readonly state?: 'present' | 'absent';
}

export function user(o: UserOptions): Resource<[UserState | null]> {
  valid('user', o.name);
  for (const g of o.groups ?? []) valid('user groups', g);
  if (o.home !== undefined) passwdPath(`user ${o.name} home`, o.home);
  if (o.shell !== undefined) passwdPath(`user ${o.name} shell`, o.shell);
  const state = o.state ?? 'present';
  const missingGroups = (u: UserState | null) => (o.groups ?? []).filter((g) => !u?.groups.includes(g));
  return defineResource<[UserState | null]>({
    ...meta(`user:${o.name}`, o, [`user:${o.name}`, ...(o.groups ?? []).map((g) => `group:${g}`)], [`user:${o.name}`]),
    queries: [q.user(o.name)],
    check([u]) {
      if (state === 'absent') return u ? [{ field: 'state', before: 'present', after: 'absent' }] : [];
      const out: Change[] = u ? [] : [{ field: 'state', before: 'absent', after: 'present' }];
      if (o.home !== undefined && u?.home !== o.home) out.push({ field: 'home', ...(u ? { before: u.home } : {}), after: o.home });
      if (o.shell !== undefined && u?.shell !== o.shell) out.push({ field: 'shell', ...(u ? { before: u.shell } : {}), after: o.shell });
      const add = missingGroups(u);
      if (add.length) out.push({ field: 'groups', before: (u?.groups ?? []).join(','), after: [...(u?.groups ?? []), ...add].join(',') });
      return out;
    },
    apply([u]) {
      if (state === 'absent') return [{ a: 'user', name: o.name, state }];
      const groups = missingGroups(u);
      return [
        {
          a: 'user',
          name: o.name,
          state,
          create: o.createHome ?? !o.system,
          ...(o.system ? { system: true } : {}),
          ...(o.home !== undefined ? { home: o.home } : {}),
          ...(o.shell !== undefined ? { shell: o.shell } : {}),
          ...(groups.length ? { groups } : {}),
        },
      ];
    },
  });
}

export interface GroupOptions extends Common {
  readonly name: string;
  readonly system?: boolean;
  readonly state?: 'present' | 'absent';
}

export function group(o: GroupOptions): Resource<[GroupState | null]> {
  valid('group', o.name);
  const state = o.state ?? 'present';
  return defineResource<[GroupState | null]>({
    ...meta(`group:${o.name}`, o, [`group:${o.name}`], [`group:${o.name}`]),
    queries: [q.group(o.name)],
    check: ([g]) => ((g !== null) === (state === 'present') ? [] : [{ field: 'state', before: g ? 'present' : 'absent', after: state }]),
    apply: () => [{ a: 'group', name: o.name, state, ...(o.system ? { system: true } : {}) }],
  });
}
