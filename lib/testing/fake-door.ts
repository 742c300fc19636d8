/**
 * What the shell driver refuses to put in a script, the fake refuses too (as FakeMisuse: only a resource
 * that skipped validation gets here): a path that is not absolute, a NUL byte anywhere but in file
 * content or stdin (which travel base64-encoded), a sysctl key that leaves /proc/sys (FakeState.sysctlName).
 */
import type { Action, Query } from '../core/ops.js';
import { FakeMisuse } from './fake-failure.js';

/** Fields that travel as base64 (any bytes), or name a file on the controller. */
const OPAQUE = new Set(['content', 'stdin', 'from']);
const PATHS = new Set(['path', 'archive', 'dest']);

export function checkDoor(op: Action | Query): void {
  for (const [field, value] of Object.entries(op)) {
    if (OPAQUE.has(field)) continue;
    for (const s of Array.isArray(value) ? value : [value]) {
      if (typeof s !== 'string') continue;
      if (s.includes('\0')) throw new FakeMisuse(`cannot pass a NUL byte to the shell: ${JSON.stringify(s.slice(0, 40))} (${field})`);
      if (PATHS.has(field) && !s.startsWith('/')) throw new FakeMisuse(`not an absolute path: ${JSON.stringify(s.slice(0, 80))} (${field})`);
    }
  }
}
