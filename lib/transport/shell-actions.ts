/**
 * Actions -> POSIX sh. Each renderer returns lines that run under `set -e` inside their group's subshell,
 * so the first failing command fails the group. Pure. Uploads are not rendered: the driver sends them
 * with Connection.put (see shell-act.ts). Every value is quoted, and every command ends its options with
 * `--` before operands that come from a value, so no value can be read as an option (`--reference=...`).
 */
import type { Action } from '../core/ops.js';
import { absolute, attrLines, baseName, heredoc, join, parentDir, quote } from './shell-quote.js';
import { sysctlPath } from './shell-query.js';

type Of<K extends Action['a']> = Extract<Action, { a: K }>;

/** A name for a temp file beside `path` (same filesystem, so the final mv is an atomic rename). */
export const tempBeside = (path: string, salt: string): string => `${parentDir(path).replace(/\/$/, '')}/.${baseName(path)}.tsplay-${salt}`;

/**
 * Decode to a temp file (umask 077 while it holds the bytes: they may be secret), set attributes (those
 * given, else the old file's, else 0644), then rename over the target.
 */
function write(a: Of<'write'>, salt: string): string[] {
  const t = quote(tempBeside(a.path, salt));
  const p = quote(a.path);
  const keep = [
    ...(a.mode === undefined ? [`if [ -e ${p} ]; then chmod --reference=${p} ${t}; else chmod 0644 ${t}; fi`] : []),
    ...(a.owner === undefined && a.group === undefined ? [`if [ -e ${p} ]; then chown --reference=${p} ${t} 2>/dev/null || :; fi`] : []),
  ];
  return ['umask 077', heredoc(`base64 -d >${t}`, a.content), 'umask 022', ...keep, ...attrLines(tempBeside(a.path, salt), a), `mv -f -- ${t} ${p}`];
}

/** Extract into a scratch dir beside `dest`, then move each chosen file (flattened) into place. */
function extract(a: Of<'extract'>, salt: string): string[] {
  const x = quote(`${a.dest.replace(/\/$/, '')}/.tsplay-x-${salt}`);
  const dest = quote(a.dest);
  const pick = a.files.length
    ? a.files.flatMap((f) => [`mv -f -- ${x}/${quote(f)} ${dest}/${quote(baseName(f))}`, ...attrLines(`${a.dest}/${baseName(f)}`, a)])
    : [`find ${x} -type f -exec mv -f -t ${dest} -- {} +`];
  return [
    `mkdir -p -- ${dest} ${x}`,
    `tar -xf ${quote(a.archive)} -C ${x}${a.files.length ? ` -- ${a.files.map(quote).join(' ')}` : ''}`,
    ...pick,
    `rm -rf -- ${x}`,
  ];
}

/** apt first tries without `update` (fast, offline-friendly) and refreshes the lists only if that fails. */
function pkg(a: Of<'package'>): string[] {
  // A pinned version is apt's name=version and dnf's name-version; apt must be allowed to go down to it.
  const spell = (n: string) => (a.versions?.[n] === undefined ? n : `${n}${a.manager === 'apt' ? '=' : '-'}${a.versions[n]}`);
  const names = a.names.map((n) => quote(spell(n))).join(' ');
  if (a.manager === 'apt') {
    if (a.state === 'absent') return [`apt-get remove -y -q -- ${names}`];
    const install = `apt-get install -y -q${a.versions && Object.keys(a.versions).length ? ' --allow-downgrades' : ''} -- ${names}`;
    return [`${install} || { apt-get update -q && ${install}; }`];
  }
  return [`${a.manager} ${a.state === 'absent' ? 'remove' : 'install'} -y -- ${names}`];
}

function user(a: Of<'user'>): string[] {
  const n = quote(a.name);
  if (a.state === 'absent') return [`if getent passwd -- ${n} >/dev/null; then userdel -- ${n}; fi`];
  const opts = [...(a.home ? ['-d', quote(a.home)] : []), ...(a.shell ? ['-s', quote(a.shell)] : [])];
  const groups = a.groups?.length ? ['-G', quote(a.groups.join(','))] : [];
  const add = (g: string[]) => ['useradd', ...(a.system ? ['-r'] : []), ...(a.create ? ['-m'] : ['-M']), ...g, ...opts, ...groups, '--', n].join(' ');
  // usermod -a: supplementary groups are added, never taken away (a role must not drop what others gave).
  const mod = opts.length || groups.length ? ['usermod', ...opts, ...(groups.length ? ['-a', ...groups] : []), '--', n].join(' ') : ':';
  // useradd refuses to make a user whose name is an existing group's unless told to join it (-g).
  return [`if getent passwd -- ${n} >/dev/null; then ${mod}; elif getent group -- ${n} >/dev/null; then ${add(['-g', n])}; else ${add([])}; fi`];
}

function group(a: Of<'group'>): string[] {
  const n = quote(a.name);
  if (a.state === 'absent') return [`if getent group -- ${n} >/dev/null; then groupdel -- ${n}; fi`];
  return [`getent group -- ${n} >/dev/null || groupadd${a.system ? ' -r' : ''} -- ${n}`];
}

/** `sh -c --`: a command starting with `-` is a command, not options of sh. */
function command(a: Of<'command'>): string[] {
  const sh = `sh -c -- ${quote(a.command)}`;
  if (a.stdin === undefined) return [`${sh} </dev/null`];
  // The pipe belongs on the heredoc's first line: after the delimiter line it would end no document.
  return [heredoc('base64 -d', a.stdin, sh)];
}

/**
 * enable/disable reload systemd by themselves, as costly as a daemon-reload (about 80 ms each, and the CPU
 * of a whole systemd at 30 hosts): after the script's own daemon-reload, the unit files are loaded already.
 */
function systemctl(a: Of<'systemctl'>, reloaded: boolean): string {
  const noReload = reloaded && ['enable', 'disable', 'mask', 'unmask'].includes(a.verb) ? ' --no-reload' : '';
  return a.unit === undefined ? `systemctl ${a.verb}` : `systemctl ${a.verb}${noReload} -- ${quote(a.unit)}`;
}

/** Lines for one action; `salt` makes temp names unique per script; `reloaded`: a daemon-reload ran earlier in it. */
export function renderAction(a: Action, salt: string, reloaded = false): string[] {
  if ('path' in a) absolute(a.path);
  if (a.a === 'extract') [a.archive, a.dest].forEach(absolute);
  switch (a.a) {
    case 'write':
      return write(a, salt);
    case 'mkdir':
      return [`mkdir -p -- ${quote(a.path)}`, ...attrLines(a.path, a)];
    case 'attrs':
      return attrLines(a.path, a);
    case 'remove':
      return [`rm -rf -- ${quote(a.path)}`];
    case 'extract':
      return extract(a, salt);
    case 'package':
      return pkg(a);
    case 'systemctl':
      return [systemctl(a, reloaded)];
    case 'sysctl':
      return [`printf '%s\\n' ${quote(a.value)} >${quote(sysctlPath(a.key))}`];
    case 'modprobe':
      return [join('modprobe', '--', a.name)];
    case 'user':
      return user(a);
    case 'group':
      return group(a);
    case 'command':
      return command(a);
    case 'upload':
      throw new Error(`upload of ${a.path} cannot be rendered into a script: the driver sends it with put`);
    case 'fetch':
      throw new Error(`fetch of ${a.path} cannot be rendered into a script: the driver reads it with get`);
  }
}
