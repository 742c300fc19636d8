/**
 * One read-only command per host that says, for each component, what its binary reports (`--version`),
 * when the binary was last replaced (ctime: no install can set it back) and when its unit's main process
 * started, and the parser of its answer. Pure: the command is text, the parse is over stdout.
 */
import { parseVersion, type Version } from './version.js';
import type { Component } from './components.js';

export interface Seen {
  readonly binary: string;
  /** What --version said (first line), '' when the binary is missing. */
  readonly said: string;
  readonly version?: Version;
  /** Seconds since the epoch; undefined when unknown. */
  readonly replacedAt?: number;
  readonly startedAt?: number;
  /** systemctl is-active of its unit ('' for a binary without one). */
  readonly active: string;
}

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Tab-separated: binary, --version line, ctime, main process start, is-active. */
export function probeCommand(cs: readonly Component[]): string {
  return cs
    .map((c) => {
      const p = sq(c.path);
      const unit = c.unit ? sq(c.unit) : '';
      const started = c.unit
        ? `t=$(systemctl show -p ExecMainStartTimestamp --value ${unit} 2>/dev/null); s=$( [ -n "$t" ] && date -d "$t" +%s 2>/dev/null || echo -); a=$(systemctl is-active ${unit} 2>/dev/null)`
        : 's=-; a=';
      return `{ if [ -x ${p} ]; then v=$(${p} --version 2>&1 | head -n1 | tr '\\t' ' '); else v=; fi; c=$(stat -c %Z ${p} 2>/dev/null || echo -); ${started}; printf '%s\\t%s\\t%s\\t%s\\t%s\\n' ${sq(c.binary)} "$v" "$c" "$s" "$a"; }`;
    })
    .join('; ');
}

const num = (s: string | undefined) => (s && /^\d+$/.test(s) ? Number(s) : undefined);

export function parseProbe(stdout: string): Map<string, Seen> {
  const out = new Map<string, Seen>();
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const [binary = '', said = '', c, s, active = ''] = line.split('\t');
    const version = said ? parseVersion(said) : undefined;
    const replacedAt = num(c),
      startedAt = num(s);
    out.set(binary, {
      binary,
      said,
      active,
      ...(version ? { version } : {}),
      ...(replacedAt !== undefined ? { replacedAt } : {}),
      ...(startedAt !== undefined ? { startedAt } : {}),
    });
  }
  return out;
}
