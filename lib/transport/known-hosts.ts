/**
 * known_hosts, as OpenSSH writes it: plain and hashed (|1|salt|hash) host fields, comma lists, wildcard
 * and negated patterns, `[addr]:port` for non-22 ports, @revoked markers. Parsing and matching are pure;
 * the SSH transport reads the file and asks `checkHostKey` what to do with the key a server offered.
 */
import { createHmac } from 'node:crypto';

export interface KnownHostEntry {
  /** 1-based line number in the file, for messages. */
  readonly line: number;
  readonly marker?: '@revoked' | '@cert-authority';
  readonly hosts: string;
  readonly keyType: string;
  /** The key blob, base64 as in the file. */
  readonly key: string;
}

/** Every key line of a known_hosts file (comments, blanks and malformed lines skipped). */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return;
    const marker = fields[0] === '@revoked' || fields[0] === '@cert-authority' ? fields.shift() : undefined;
    const [hosts, keyType, key] = fields;
    if (!hosts || !keyType || !key) return;
    out.push({ line: i + 1, ...(marker ? { marker: marker as KnownHostEntry['marker'] } : {}), hosts, keyType, key });
  });
  return out;
}

/** How OpenSSH names a host in known_hosts: bare for port 22, `[addr]:port` otherwise. */
export const hostField = (address: string, port: number): string => (port === 22 ? address : `[${address}]:${port}`);

const globToRegExp = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');

function matchHashed(field: string, name: string): boolean {
  const [, , salt, hash] = field.split('|');
  if (!salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

/** Whether an entry's host field names this host (a negated pattern that matches vetoes the line). */
export function hostMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) return matchHashed(hosts, name);
  let hit = false;
  for (const p of hosts.split(',')) {
    if (p.startsWith('!')) {
      if (globToRegExp(p.slice(1)).test(name)) return false;
    } else if (globToRegExp(p).test(name)) hit = true;
  }
  return hit;
}

/** The key type named inside an SSH public key blob (its first length-prefixed string). */
export function blobKeyType(blob: Uint8Array): string {
  const b = Buffer.from(blob);
  if (b.length < 4) return '';
  const len = b.readUInt32BE(0);
  return b.subarray(4, 4 + len).toString('latin1');
}

export type HostKeyVerdict =
  | { readonly kind: 'known'; readonly line: number }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'mismatch'; readonly line: number; readonly keyType: string }
  | { readonly kind: 'revoked'; readonly line: number };

/** What known_hosts says about the key `blob` offered by host `name` (see hostField). */
export function checkHostKey(entries: readonly KnownHostEntry[], name: string, blob: Uint8Array): HostKeyVerdict {
  const key = Buffer.from(blob).toString('base64');
  const type = blobKeyType(blob);
  const mine = entries.filter((e) => e.marker !== '@cert-authority' && hostMatches(e.hosts, name));
  const revoked = entries.find((e) => e.marker === '@revoked' && e.key === key);
  if (revoked) return { kind: 'revoked', line: revoked.line };
  const same = mine.find((e) => !e.marker && e.key === key);
  if (same) return { kind: 'known', line: same.line };
  const other = mine.find((e) => !e.marker && e.keyType === type) ?? mine.find((e) => !e.marker);
  return other ? { kind: 'mismatch', line: other.line, keyType: other.keyType } : { kind: 'unknown' };
}

/** Key types known for a host, so the client can ask the server for a key it can verify. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], name: string): string[] {
  return [...new Set(entries.filter((e) => !e.marker && hostMatches(e.hosts, name)).map((e) => e.keyType))];
}

/** The line to append when trusting a new key. */
export const knownHostsLine = (name: string, blob: Uint8Array): string =>
  `${name} ${blobKeyType(blob)} ${Buffer.from(blob).toString('base64')}\n`;

/** The SSH host key algorithms that prove a key of each known_hosts key type. */
export function hostKeyAlgorithms(keyTypes: readonly string[]): string[] {
  return keyTypes.flatMap((t) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t]));
}
