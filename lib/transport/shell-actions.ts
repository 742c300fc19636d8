/**
 * Actions -> POSIX sh. Each renderer returns lines that run under `set -e` inside their group's subshell,
 * so the first failing command fails the group. Pure. Uploads are not rendered: the driver sends them
 * with Connection.put (see shell-act.ts). Every value is quoted, and every command ends its options with
 * `--` before operands that come from a value, so no value can be read as an option (`--reference=...`).
 */
import type { Action } from '../core/ops.js';
import { absolute, asText, attrLines, baseName, dquote, heredoc, join, octal, ownerLines, parentDir, quote } from './shell-quote.js';
import { sysctlPath } from './shell-query.js';

type Of<K extends Action['a']> = Extract<Action, { a: K }>;

/** A name for a temp file beside `path` (same filesystem, so the final mv is an atomic rename). */
export const tempBeside = (path: string, salt: string): string => `${parentDir(path).replace(/\/$/, '')}/.${baseName(path)}.tsplay-${salt}`;

/**
 * Bytes into a file or a pipe with no process of their own: the printf builtin of one double-quoted word when
 * they are text, else (a NUL, not UTF-8) `base64 -d` of a heredoc.
 */
function bytesInto(bytes: string | Uint8Array, to: { readonly file: string } | { readonly pipe: string }): string {
  const text = asText(bytes);
  const printf = text === undefined ? undefined : `printf '%s' ${dquote(text)}`;
  if ('file' in to) return printf ? `${printf} >${to.file}` : heredoc(`base64 -d >${to.file}`, bytes);
  // The pipe belongs on the heredoc's first line: after the delimiter line it would end no document.
  return printf ? `${printf} | ${to.pipe}` : heredoc('base64 -d', bytes, to.pipe);
}

/**
 * Write a temp beside the target, then rename it over the target. Its bytes never sit in a file wider than
 * the final mode: a mode without x or special bits is made by the umask at creation, any other under umask
 * 077 (the bytes may be secret); the mode is then set with chmod all the same, because a parent with a
 * default ACL overrides the umask (POSIX.1e) and the file would otherwise never converge there. Owner
 * before mode: a chown clears setuid bits. No mode given: the old file's (chmod --reference), else 0644; no
 * owner given: the old file's, with no process when both it and the temp are ours ([ -O ] / [ -G ]).
 */
function write(a: Of<'write'>, salt: string): string[] {
  const tp = tempBeside(a.path, salt);
  const t = quote(tp);
  const p = quote(a.path);
  const m = a.mode;
  const direct = m !== undefined && (m & 0o7111) === 0;
  const umask = m === undefined ? `if [ -e ${p} ]; then umask 077; else umask 022; fi` : direct ? `umask ${octal(0o777 & ~m)}` : 'umask 077';
  const owner =
    a.owner === undefined && a.group === undefined
      ? [`if [ -e ${p} ] && ! { [ -O ${p} ] && [ -G ${p} ] && [ -G ${t} ]; }; then chown --reference=${p} -- ${t} 2>/dev/null || :; fi`]
      : ownerLines(tp, a);
  const mode = m === undefined ? [`if [ -e ${p} ]; then chmod --reference=${p} -- ${t}; fi`] : [`chmod -- ${octal(m)} ${t}`];
  return [umask, bytesInto(a.content, { file: t }), 'umask 022', ...owner, ...mode, `mv -f -- ${t} ${p}`];
}

/**
 * Without a mode, an existing directory is left as it is; with one, it is chmod-ed, or made with it (-m
 * sets only the last directory; the parents get what plain `mkdir -p` gives them under umask 022: 0755).
 */
function mkdir(a: Of<'mkdir'>): string[] {
  const p = quote(a.path);
  const make =
    a.mode === undefined
      ? `if [ ! -d ${p} ]; then mkdir -p -- ${p}; fi`
      : `if [ -d ${p} ]; then chmod -- ${octal(a.mode)} ${p}; else mkdir -p -m ${octal(a.mode)} -- ${p}; fi`;
  return [make, ...ownerLines(a.path, a)];
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
  return [a.stdin === undefined ? `${sh} </dev/null` : bytesInto(a.stdin, { pipe: sh })];
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
      return mkdir(a);
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
