/**
 * Where the warm daemon's socket lives: a directory only this user can enter ($TSPLAY_WARM_DIR, else
 * $XDG_RUNTIME_DIR/tsplay, else /tmp/tsplay-UID), made 0700 when missing and refused when it is a symlink,
 * someone else's, or open to group or others. Anyone who can reach the socket can run commands on every
 * host the daemon holds, so this check is the door's lock: both the daemon and its clients make it.
 */
import { lstatSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../core/errors.js';

export const SOCKET_NAME = 'warm.sock';
export const LOG_NAME = 'warm.log';

const uid = () => process.getuid?.() ?? -1;

/** The private directory, from the environment (pure). */
export function warmDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TSPLAY_WARM_DIR) return env.TSPLAY_WARM_DIR;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'tsplay');
  return join(tmpdir(), `tsplay-${uid()}`);
}

/** Why `dir` must not hold the socket, or undefined when it is private to this user. */
export function dirProblem(dir: string): string | undefined {
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(dir);
  } catch (e) {
    return `cannot be read: ${(e as Error).message}`;
  }
  if (st.isSymbolicLink()) return 'is a symbolic link (it must be a directory of its own)';
  if (!st.isDirectory()) return 'is not a directory';
  if (st.uid !== uid()) return `belongs to uid ${st.uid}, not to this user (uid ${uid()})`;
  if (st.mode & 0o077) return `is open to others (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}; it must be 0700)`;
  return undefined;
}

/** Make (0700) or check the private directory; its problem is a ConfigError naming it. */
export function privateDir(dir: string): string {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new ConfigError(`cannot create ${dir}: ${(e as Error).message}`, 'warm connections');
  }
  const problem = dirProblem(dir);
  if (problem) throw new ConfigError(`${dir} ${problem}: refusing to keep the warm connections' socket there`, 'warm connections');
  return dir;
}
