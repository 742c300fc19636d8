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
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );

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
export const knownHostsLine = (name: string, blob: Uint8Array): string => `${name} ${blobKeyType(blob)} ${Buffer.from(blob).toString('base64')}\n`;

/** The SSH host key algorithms that prove a key of each known_hosts key type. */
export function hostKeyAlgorithms(keyTypes: readonly string[]): string[] {
  return keyTypes.flatMap((t) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t]));
}

/** Host key types tsplay (ssh2) can verify, best first. */
export const ACCEPTED_HOST_KEY_TYPES = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
] as const;

/** `ssh-keyscan -t` and host key file names call key types by these short names. */
const shortType = (t: string): string =>
  t.includes('ed25519') ? 'ed25519' : t.startsWith('ecdsa') ? 'ecdsa' : t.includes('rsa') ? 'rsa' : t.includes('dss') ? 'dsa' : t;

/**
 * What to say when client and server have no host key type in common ("no matching host key format"):
 * either known_hosts holds a key of a type the server no longer offers (we ask only for known types, as
 * OpenSSH would refuse a key of another type), or the server offers none tsplay can verify.
 */
export function noCommonHostKeyType(
  address: string,
  port: number,
  file: string,
  known: readonly KnownHostEntry[],
  offered: readonly string[] | undefined,
): string {
  const offers = offered?.length ? `offers host keys of type ${offered.join(', ')} only` : 'offers no host key type tsplay asked for';
  const first = known[0];
  if (first) {
    const scan = `ssh-keyscan${port === 22 ? '' : ` -p ${port}`} -t ${shortType(offered?.[0] ?? 'ed25519')} ${address}`;
    return (
      `${hostField(address, port)} ${offers}, but ${file} line ${first.line} holds its ${first.keyType} key, so the key it offers cannot be checked. ` +
      `If its host keys were changed on purpose, replace that line with its new key (\`${scan}\`, checked out of band); ` +
      `otherwise its sshd has lost the ${shortType(first.keyType)} key (put back HostKey /etc/ssh/ssh_host_${shortType(first.keyType)}_key in sshd_config), or this is not the host you think.`
    );
  }
  return (
    `${hostField(address, port)} ${offers}; tsplay accepts ${ACCEPTED_HOST_KEY_TYPES.join(', ')}. ` +
    "On the server, add an ed25519 host key (`ssh-keygen -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key`, `HostKey /etc/ssh/ssh_host_ed25519_key` in sshd_config, reload sshd), " +
    'or for an RSA key allow its SHA-2 signatures (`HostKeyAlgorithms +rsa-sha2-512,rsa-sha2-256` in sshd_config).'
  );
}
