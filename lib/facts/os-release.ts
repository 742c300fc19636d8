/** /etc/os-release (a shell-style key=value file) -> the OS family, id and version. Pure. */
import type { HostFacts } from '../core/ops.js';

/** Keys and values of an os-release file, with the optional quotes removed. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    const raw = m[2]!;
    const unquoted = /^(["']).*\1$/.test(raw) ? raw.slice(1, -1) : raw;
    out[m[1]!] = unquoted.replace(/\\(["$`\\])/g, '$1');
  }
  return out;
}

const DEBIAN = new Set(['debian', 'ubuntu', 'raspbian', 'linuxmint', 'pop', 'devuan', 'kali']);
const REDHAT = new Set(['rhel', 'centos', 'fedora', 'rocky', 'almalinux', 'ol', 'amzn', 'scientific']);

export function osFromRelease(text: string): HostFacts['os'] {
  const kv = parseOsRelease(text);
  const id = kv['ID'] ?? 'unknown';
  const like = [id, ...(kv['ID_LIKE'] ?? '').split(/\s+/)];
  const family = like.some((x) => DEBIAN.has(x)) ? 'debian' : like.some((x) => REDHAT.has(x)) ? 'redhat' : 'unknown';
  const codename = kv['VERSION_CODENAME'] || kv['UBUNTU_CODENAME'];
  return { family, id, version: kv['VERSION_ID'] ?? '', ...(codename ? { codename } : {}) };
}
