/** Just enough address arithmetic for the gate: is an address (or a subnet) inside a CIDR? IPv4 and IPv6. */

function v4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => (n << 8n) | BigInt(p), 0n);
}

function v6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(s) || s.split('::').length > 2) return undefined;
  const [head, tail] = s.includes('::') ? (s.split('::') as [string, string]) : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return groups.reduce((n, g) => (n << 16n) | BigInt(`0x${g}`), 0n);
}

interface Net {
  readonly bits: number;
  readonly value: bigint;
  readonly prefix: number;
}

/** `10.244.0.0/16`, `fd00::/64`, or a bare address (a /32 or /128). */
export function parseCidr(text: string): Net | undefined {
  const [addr = '', len] = text.split('/');
  const value = v4(addr) ?? v6(addr);
  if (value === undefined) return undefined;
  const bits = v4(addr) !== undefined ? 32 : 128;
  const prefix = len === undefined ? bits : /^\d+$/.test(len) ? Number(len) : NaN;
  return Number.isInteger(prefix) && prefix >= 0 && prefix <= bits ? { bits, value, prefix } : undefined;
}

/** Whether `inner` (address or CIDR) lies wholly inside `outer`. */
export function within(inner: string, outer: string): boolean {
  const a = parseCidr(inner);
  const b = parseCidr(outer);
  if (!a || !b || a.bits !== b.bits || a.prefix < b.prefix) return false;
  const shift = BigInt(b.bits - b.prefix);
  return a.value >> shift === b.value >> shift;
}
