/**
 * Addresses per interface, from `ip -o addr show` or, on hosts without iproute2, from /proc/net: IPv6
 * from if_inet6, IPv4 from the LOCAL /32 entries of fib_trie, matched to an interface through the route
 * table (the longest prefix that contains the address). Pure.
 */

type Interfaces = Record<string, string[]>;

const add = (out: Interfaces, name: string, addr: string) => {
  const list = (out[name] ??= []);
  if (!list.includes(addr)) list.push(addr);
};

/** `4: eth0    inet 192.0.2.2/24 brd ... scope global eth0\ ...` lines. */
export function parseIpAddr(text: string): Interfaces {
  const out: Interfaces = {};
  for (const line of text.split('\n')) {
    const m = /^\d+:\s+(\S+?)(?:@\S+)?\s+inet6?\s+([0-9a-fA-F.:]+)\//.exec(line);
    if (m) add(out, m[1]!, m[2]!);
  }
  return out;
}

/** `fe800000000000000000000000000001 02 40 20 80 eth0` -> fe80:0:0:0:0:0:0:1 (compressed). */
export function parseIfInet6(text: string, out: Interfaces = {}): Interfaces {
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6 || !/^[0-9a-f]{32}$/i.test(f[0]!)) continue;
    const groups = f[0]!.match(/.{4}/g)!.map((g) => parseInt(g, 16).toString(16));
    add(out, f[5]!, compressV6(groups));
  }
  return out;
}

/** The longest run of zero groups becomes `::`, as `ip` prints it. */
function compressV6(groups: string[]): string {
  let best = -1;
  let len = 0;
  for (let i = 0; i < groups.length; i++) {
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > len && j - i > 1) [best, len] = [i, j - i];
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + len).join(':')}`;
}

/** Local IPv4 addresses: the `/32 host LOCAL` leaves of /proc/net/fib_trie. */
export function localV4(fibTrie: string): string[] {
  const out = new Set<string>();
  const lines = fibTrie.split('\n');
  lines.forEach((line, i) => {
    const leaf = /\|--\s+(\d+\.\d+\.\d+\.\d+)/.exec(line);
    if (leaf && /\/32 host LOCAL/.test(lines[i + 1] ?? '')) out.add(leaf[1]!);
  });
  return [...out];
}

const v4 = (a: string) => a.split('.').reduce((n, o) => (n << 8) | Number(o), 0) >>> 0;
/** /proc/net/route prints addresses as little-endian hex. */
const hexLe = (h: string) => parseInt(h.match(/../g)!.reverse().join(''), 16) >>> 0;

/** The interface whose route holds `addr` with the longest mask; loopback addresses belong to lo. */
export function v4Interface(addr: string, routeTable: string): string | undefined {
  if (addr.startsWith('127.')) return 'lo';
  let best: { iface: string; mask: number } | undefined;
  for (const line of routeTable.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const dest = hexLe(f[1]!);
    const mask = hexLe(f[7]!);
    if ((v4(addr) & mask) >>> 0 === dest && (!best || mask > best.mask)) best = { iface: f[0]!, mask };
  }
  return best?.iface;
}

/** Interfaces from the facts script's sections (`ip`, or `fib_trie` + `route` + `if_inet6`). */
export function parseInterfaces(sections: ReadonlyMap<string, string>): Interfaces {
  const ip = sections.get('ip');
  if (ip !== undefined) return parseIpAddr(ip);
  const out: Interfaces = {};
  const routes = sections.get('route') ?? '';
  for (const a of localV4(sections.get('fib_trie') ?? '')) add(out, v4Interface(a, routes) ?? 'unknown', a);
  return parseIfInet6(sections.get('if_inet6') ?? '', out);
}
