/** Queries answered from a fake host's state, with the same shapes the shell driver parses from a real one. */
import { createHash } from 'node:crypto';
import type { FileState, Query, UnitState, UserState } from '../core/ops.js';
import { checkDoor } from './fake-door.js';
import type { FakeState } from './fake-state.js';

function file(s: FakeState, q: Extract<Query, { q: 'file' }>): FileState {
  const n = s.fs.get(q.path);
  if (!n) return { exists: false };
  const isFile = n.type === 'file';
  return {
    exists: true,
    type: n.type,
    mode: n.mode,
    owner: n.owner,
    group: n.group,
    size: isFile ? n.content.length : 4096,
    ...(isFile && q.sha256 ? { sha256: createHash('sha256').update(n.content).digest('hex') } : {}),
    ...(isFile && q.content !== undefined && n.content.length <= q.content ? { content: Buffer.from(n.content).toString('utf8') } : {}),
  };
}

function unit(s: FakeState, name: string): UnitState {
  const text = s.unitFile(name);
  if (text === undefined) return { load: 'not-found', active: 'inactive', enabled: '' };
  const st = s.services.get(name);
  const enabled = st?.enabled ? 'enabled' : /^\[Install\]/m.test(text) ? 'disabled' : 'static';
  return { load: 'loaded', active: st?.active ? 'active' : 'inactive', enabled };
}

function user(s: FakeState, name: string): UserState | null {
  const u = s.users.get(name);
  if (!u) return null;
  const primary = [...s.groups.entries()].find(([, g]) => g.gid === u.gid)?.[0];
  return { uid: u.uid, gid: u.gid, home: u.home, shell: u.shell, groups: [...new Set([...(primary ? [primary] : []), ...u.groups])] };
}

export function answer(s: FakeState, q: Query): unknown {
  checkDoor(q);
  switch (q.q) {
    case 'file':
      return file(s, q);
    case 'packages':
      return Object.fromEntries(q.names.map((n) => [n, s.installed.get(n) ?? null]));
    case 'unit':
      return unit(s, q.name);
    case 'sysctl': {
      const name = s.sysctlName(q.key);
      return name === undefined ? null : s.sysctls.get(name)!;
    }
    case 'module':
      return s.modules.has(q.name.replace(/-/g, '_'));
    case 'user':
      return user(s, q.name);
    case 'group':
      return s.groups.get(q.name) ?? null;
    case 'command': {
      const r = s.run(q.command);
      return { exitCode: r.exitCode, stdout: r.stdout };
    }
    case 'facts':
      return s.facts;
  }
}
