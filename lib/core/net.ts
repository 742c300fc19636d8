/**
 * Addresses and names as the engine, the roles and the certificates see them: IPv4/IPv6 parsing to bytes
 * (so SANs compare however they were spelled), CIDRs, the first host of a service range, and DNS-1123
 * names. Pure; node:net is off limits here (core does no network I/O, and the architecture test forbids it).
 */

/** The 4 or 16 bytes of an IP address, or undefined when the text is not one. */
export function parseIp(text: string): Uint8Array | undefined {
  return text.includes(':') ? parseIp6(text) : parseIp4(text);
}

function parseIp4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return Uint8Array.from(parts.map(Number));
}

function parseIp6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  let head = groups(halves[0]!);
  let tail = halves.length === 2 ? groups(halves[1]!) : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
  const last = (halves.length === 2 ? tail : head).at(-1);
  let v4: Uint8Array | undefined;
  if (last?.includes('.')) {
    v4 = parseIp4(last);
    if (!v4) return undefined;
    if (halves.length === 2) tail = tail.slice(0, -1);
    else head = head.slice(0, -1);
  }
  const want = v4 ? 6 : 8;
  const present = head.length + tail.length;
  if (halves.length === 1 ? present !== want : present >= want) return undefined;
  const all = [...head, ...Array<string>(want - present).fill('0'), ...tail];
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    const n = parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  if (v4) out.set(v4, 12);
  return out;
}

/** One canonical spelling per address (IPv6 lower-case, zero groups compressed once). */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[i * 2]! << 8) | bytes[i * 2 + 1]!).toString(16));
  // Compress the longest run of two or more zero groups (RFC 5952).
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len) best = { at: i, len: j - i };
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}`;
}

/** The canonical form of an IP, or undefined when it is not one. */
export function normalizeIp(text: string): string | undefined {
  const b = parseIp(text);
  return b && formatIp(b);
}

export interface Cidr {
  readonly network: Uint8Array;
  readonly prefix: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const [ip, bits, ...rest] = text.split('/');
  const network = ip === undefined ? undefined : parseIp(ip);
  if (!network || bits === undefined || rest.length || !/^\d{1,3}$/.test(bits)) return undefined;
  const prefix = Number(bits);
  if (prefix > network.length * 8) return undefined;
  return { network, prefix };
}

/** The first usable address of a range: Kubernetes gives it to the `kubernetes` service. */
export function firstHost(cidr: Cidr): string {
  const bytes = Uint8Array.from(cidr.network);
  // Clear host bits, then add one.
  for (let bit = cidr.prefix; bit < bytes.length * 8; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
  for (let i = bytes.length - 1; i >= 0; i--) {
    bytes[i] = (bytes[i]! + 1) & 0xff;
    if (bytes[i] !== 0) break;
  }
  return formatIp(bytes);
}

/** A DNS-1123 subdomain (lower-case labels of letters, digits and '-'), optionally a leading '*.'. */
export function isDnsName(text: string, opts: { wildcard?: boolean } = {}): boolean {
  const name = opts.wildcard && text.startsWith('*.') ? text.slice(2) : text;
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l));
}

/** The first `bits` bits of two addresses of the same family are equal. */
function samePrefix(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  if (a.length !== b.length) return false;
  for (let bit = 0; bit < bits; bit++) if ((a[bit >> 3]! & (0x80 >> (bit & 7))) !== (b[bit >> 3]! & (0x80 >> (bit & 7)))) return false;
  return true;
}

/** `ip` lies in `cidr` (false for another address family). */
export function cidrContains(cidr: Cidr, ip: string): boolean {
  const b = parseIp(ip);
  return b !== undefined && samePrefix(cidr.network, b, cidr.prefix);
}

/** Two ranges share an address: the shorter prefix contains the other's network. */
export const cidrsOverlap = (a: Cidr, b: Cidr): boolean => samePrefix(a.network, b.network, Math.min(a.prefix, b.prefix));
