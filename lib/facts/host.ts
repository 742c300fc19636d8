/**
 * Host facts: one POSIX sh script that prints every fact in labelled sub-sections, and the pure parser
 * that turns them into HostFacts. The script reads files (/etc/os-release, /proc, /sys) with shell
 * builtins wherever it can: on a crowded host every spawned tool costs as much as a round trip's share.
 * It rides in the first query batch of a host, so facts cost no round trip of their own.
 */
import type { HostFacts } from '../core/ops.js';
import { parseInterfaces } from './interfaces.js';
import { osFromRelease } from './os-release.js';

/** Prints `@@ name` then the raw text of each source; the parser never depends on the host's locale. */
export const FACTS_SCRIPT = String.raw`
tsplay_cat() { [ -r "$1" ] || return 0; while IFS= read -r l || [ -n "$l" ]; do printf '%s\n' "$l"; done <"$1"; }
echo '@@ os-release'; if [ -r /etc/os-release ]; then tsplay_cat /etc/os-release; else tsplay_cat /usr/lib/os-release; fi
echo '@@ arch'; if [ -r /proc/sys/kernel/arch ]; then tsplay_cat /proc/sys/kernel/arch; else uname -m; fi
echo '@@ init'; tsplay_cat /proc/1/comm
echo '@@ hostname'; tsplay_cat /proc/sys/kernel/hostname
echo '@@ cpus'; tsplay_cat /sys/devices/system/cpu/online
echo '@@ meminfo'; [ -r /proc/meminfo ] && IFS= read -r l </proc/meminfo && printf '%s\n' "$l"
echo '@@ pm'; for p in apt-get dnf yum; do if command -v $p >/dev/null 2>&1; then echo $p; break; fi; done
if command -v ip >/dev/null 2>&1; then echo '@@ ip'; ip -o addr show 2>/dev/null
else echo '@@ fib_trie'; tsplay_cat /proc/net/fib_trie; echo '@@ route'; tsplay_cat /proc/net/route; echo '@@ if_inet6'; tsplay_cat /proc/net/if_inet6; fi
echo '@@ end'
`.trim();

/** The facts script's output, split into its labelled sub-sections. */
export function factSections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let name: string | undefined;
  let lines: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^@@ ([\w-]+)$/.exec(line);
    if (!m) {
      lines.push(line);
      continue;
    }
    if (name) out.set(name, lines.join('\n'));
    name = m[1];
    lines = [];
  }
  if (name === undefined) throw new Error(`host facts: no labelled output from the facts script: ${JSON.stringify(text.slice(0, 200))}`);
  return out;
}

/** `0-3,6` (the kernel's online CPU list) -> 5. */
export function countCpus(list: string): number {
  let n = 0;
  for (const part of list.trim().split(',').filter(Boolean)) {
    const [a, b] = part.split('-').map(Number);
    n += b === undefined ? 1 : b - (a ?? 0) + 1;
  }
  return n || 1;
}

const memoryMb = (line: string): number => Math.round(Number(/MemTotal:\s+(\d+)/.exec(line)?.[1] ?? 0) / 1024);

function packageManager(text: string): HostFacts['packageManager'] {
  const pm = text.trim();
  return pm === 'apt-get' ? 'apt' : pm === 'dnf' || pm === 'yum' ? pm : 'unknown';
}

/** HostFacts from the output of FACTS_SCRIPT. */
export function parseHostFacts(text: string): HostFacts {
  const s = factSections(text);
  const get = (k: string) => (s.get(k) ?? '').trim();
  return {
    os: osFromRelease(s.get('os-release') ?? ''),
    arch: get('arch') || 'unknown',
    init: get('init') === 'systemd' ? 'systemd' : 'other',
    hostname: get('hostname'),
    interfaces: parseInterfaces(s),
    cpus: countCpus(get('cpus')),
    memoryMb: memoryMb(get('meminfo')),
    packageManager: packageManager(get('pm')),
  };
}
