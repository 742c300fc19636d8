/**
 * Queries -> one POSIX sh script. Each query becomes a snippet that prints its raw answer; the script
 * prints a boundary line (random per call) before each answer, so no answer can be mistaken for another
 * whatever bytes a file or command holds. Pure: parsing lives in shell-answers.ts.
 */
import type { Query } from '../core/ops.js';
import { FACTS_SCRIPT } from '../facts/host.js';
import { absolute, quote } from './shell-quote.js';

/** Common prelude: C locale for stable tool output; sbin dirs, which a non-root login's PATH may lack. */
export const PRELUDE = `export LC_ALL=C PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"`;

/**
 * `net.ipv4.ip_forward` -> `/proc/sys/net/ipv4/ip_forward`; a key with `/` is already a path (dots in names).
 * The sysctl resource validates keys; this door refuses any key that would still lead out of /proc/sys.
 */
export function sysctlPath(key: string): string {
  const rel = key.includes('/') ? key : key.replace(/\./g, '/');
  if (rel.split('/').some((p) => p === '' || p === '.' || p === '..'))
    throw new Error(`sysctl key ${JSON.stringify(key)} does not name a file under /proc/sys`);
  return `/proc/sys/${rel}`;
}

/** The sysfs name of a module (`-` and `_` are the same to the kernel; sysfs shows `_`). */
export const moduleSysName = (name: string): string => name.replace(/-/g, '_');

/** What a file answer says of it: type, mode, owner, group, size (shell-answers.ts reads them in this order). */
const STAT_FIELDS = '%F|%a|%U|%G|%s';
const STAT = `stat -L -c '${STAT_FIELDS}' -- "$p" 2>/dev/null || stat -c '${STAT_FIELDS}' -- "$p"`;
type FileQuery = Extract<Query, { q: 'file' }>;

/**
 * Every file query of a script at once, in a few processes instead of two or three per file (a role's 20
 * files cost 35 ms of forks on the host, 5 ms this way). Sections: `files` = `PATH\0TYPE|MODE|OWNER|GROUP|SIZE\n`
 * records (dangling symlinks as themselves), `files-sha` = sha256sum lines, `files-tar` = base64 of a GNU tar
 * of the regular files small enough for their content. Hosts without tar or find answer file by file instead.
 */
function filesBatch(files: readonly FileQuery[], boundary: string): string {
  const all = [...new Set(files.map((f) => f.path))].map(quote).join(' ');
  const sha = [...new Set(files.filter((f) => f.sha256).map((f) => f.path))].map(quote).join(' ');
  const limits = new Map<number, Set<string>>();
  for (const f of files) if (f.content !== undefined) limits.set(Math.floor(f.content), (limits.get(Math.floor(f.content)) ?? new Set()).add(f.path));
  // find prints the paths as given; -size -Nc is "fewer than N bytes".
  const small = [...limits].map(([max, paths]) => `find -L ${[...paths].map(quote).join(' ')} -maxdepth 0 -type f -size -${max + 1}c -print0 2>/dev/null`);
  const printf = `--printf '%n\\0${STAT_FIELDS}\\n'`;
  return [
    'tsplay_batch=',
    'if command -v tar >/dev/null 2>&1 && command -v find >/dev/null 2>&1; then',
    'tsplay_batch=1',
    `printf '\\n%s\\n' '${boundary} files'`,
    `stat -L ${printf} -- ${all} 2>/dev/null`,
    `for p in ${all}; do if [ -L "$p" ] && [ ! -e "$p" ]; then stat ${printf} -- "$p"; fi; done`,
    ...(sha ? [`printf '\\n%s\\n' '${boundary} files-sha'`, `sha256sum -- ${sha} 2>/dev/null`] : []),
    ...(small.length
      ? [
          `printf '\\n%s\\n' '${boundary} files-tar'`,
          `{ ${small.join('; ')}; } | tar -c -h --hard-dereference -P --format=gnu --no-recursion --null -T - -f - 2>/dev/null | base64 -w0`,
        ]
      : []),
    'fi',
  ].join('\n');
}

/** Tagged lines: `s TYPE|MODE|OWNER|GROUP|SIZE` (or `-` when absent), `h SHA256`, `c BASE64`. */
function fileSnippet(q: FileQuery): string {
  const lines = [`p=${quote(q.path)}`, `if [ -e "$p" ] || [ -L "$p" ]; then`, `  s=$(${STAT}); printf 's %s\\n' "$s"`];
  if (q.sha256) lines.push(`  if [ -f "$p" ]; then printf 'h '; sha256sum <"$p"; fi`);
  if (q.content !== undefined) lines.push(`  if [ -f "$p" ] && [ "\${s##*|}" -le ${Math.floor(q.content)} ]; then printf 'c '; base64 -w0 <"$p"; echo; fi`);
  lines.push('else echo -; fi');
  return lines.join('\n');
}

/** dpkg-query, or rpm made to print the same `name<TAB>ii <TAB>version` shape. */
function packagesSnippet(names: readonly string[]): string {
  const args = names.map(quote).join(' ');
  return [
    `if command -v dpkg-query >/dev/null 2>&1; then dpkg-query -W -f='\${Package}\\t\${db:Status-Abbrev}\\t\${Version}\\n' -- ${args} 2>/dev/null`,
    `elif command -v rpm >/dev/null 2>&1; then rpm -q --qf '%{NAME}\\tii \\t%{VERSION}-%{RELEASE}\\n' -- ${args} 2>/dev/null; fi; :`,
  ].join('\n');
}

/** Kernel config symbols of modules whose name does not spell their symbol (the rest: CONFIG_<NAME>). */
const MODULE_CONFIG: Readonly<Record<string, string>> = {
  br_netfilter: 'BRIDGE_NETFILTER',
  overlay: 'OVERLAY_FS',
  nf_conntrack: 'NF_CONNTRACK',
  ip_vs: 'IP_VS',
  ip_tables: 'IP_NF_IPTABLES',
  iptable_nat: 'IP_NF_NAT',
  iptable_filter: 'IP_NF_FILTER',
  xt_conntrack: 'NETFILTER_XT_MATCH_CONNTRACK',
};

/** The kernel config symbol that builds a module in: overlay -> CONFIG_OVERLAY_FS. */
export const moduleConfigSymbol = (name: string): string => `CONFIG_${MODULE_CONFIG[moduleSysName(name)] ?? moduleSysName(name).toUpperCase()}`;

/**
 * Whether the running kernel has the module: loaded (/sys/module, /proc/modules) or built in
 * (modules.builtin, or `=y` in /proc/config.gz). A container sees no /sys/module and no /lib/modules, and
 * cannot modprobe, so the kernel config is the only witness there that br_netfilter or overlay is in.
 */
function moduleSnippet(name: string): string {
  const sys = moduleSysName(name);
  const pattern = `/${sys.replace(/_/g, '[-_]')}\\.ko(\\.[a-z]+)?$`;
  return [
    `if [ -d /sys/module/${quote(sys)} ] || grep -qs -e ${quote(`^${sys} `)} /proc/modules; then echo 1`,
    `else read -r r </proc/sys/kernel/osrelease; if grep -qsE -e ${quote(pattern)} "/lib/modules/$r/modules.builtin"; then echo 1`,
    `elif [ -r /proc/config.gz ] && gzip -dc /proc/config.gz | grep -qx -e ${quote(`${moduleConfigSymbol(name)}=y`)}; then echo 1`,
    'else echo 0; fi; fi',
  ].join('\n');
}

/** The shell snippet whose output answers `query`. */
export function renderQuery(query: Query): string {
  if (query.q === 'file') absolute(query.path);
  switch (query.q) {
    case 'file':
      return fileSnippet(query);
    case 'packages':
      return packagesSnippet(query.names);
    case 'unit':
      return `systemctl show -p LoadState,ActiveState,UnitFileState -- ${quote(query.name)} 2>/dev/null; :`;
    // cat, not `read`: some /proc/sys handlers answer only a read at offset 0, and `read` takes a byte at a time.
    case 'sysctl':
      return `f=${quote(sysctlPath(query.key))}; if [ -r "$f" ]; then printf 'v '; cat "$f"; else echo -; fi`;
    case 'module':
      return moduleSnippet(query.name);
    case 'user':
      return `if e=$(getent passwd -- ${quote(query.name)}); then printf 'p %s\\n' "$e"; printf 'g %s\\n' "$(id -Gn -- ${quote(query.name)})"; fi; :`;
    case 'group':
      return `getent group -- ${quote(query.name)}; :`;
    // stdin from /dev/null: the guard must not eat the rest of this script, which arrives on stdin.
    case 'command':
      return `sh -c -- ${quote(query.command)} </dev/null 2>/dev/null; printf '\\n%d\\n' $?`;
    case 'facts':
      return FACTS_SCRIPT;
  }
}

/**
 * One script answering every query: `<boundary> i` before answer i, `<boundary> end` last. File queries are
 * answered together up front (filesBatch); their own sections stay empty unless the host cannot batch.
 */
export function renderQueries(queries: readonly Query[], boundary: string): string {
  const parts = [PRELUDE];
  const files = queries.filter((q): q is FileQuery => q.q === 'file');
  for (const f of files) absolute(f.path);
  if (files.length) parts.push(filesBatch(files, boundary));
  for (const [i, query] of queries.entries()) {
    parts.push(`printf '\\n%s\\n' '${boundary} ${i}'`, query.q === 'file' ? `if [ -z "$tsplay_batch" ]; then\n${fileSnippet(query)}\nfi` : renderQuery(query));
  }
  parts.push(`printf '\\n%s\\n' '${boundary} end'`, 'exit 0', '');
  return parts.join('\n');
}
