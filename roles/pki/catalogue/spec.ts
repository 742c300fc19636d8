/**
 * What the PKI is made from: a typed spec derived from cluster data, and its validation. A bad IP, CIDR,
 * name or URL fails here, before any key is generated, with a ConfigError naming the field path.
 */
import { ConfigError, isDnsName, normalizeIp, parseCidr } from '../../../lib/index.js';

export type KeyType = 'ecdsa' | 'rsa';

export interface PkiMember {
  /** Inventory name: the node name (system:node:<name>) and a DNS SAN. */
  readonly name: string;
  /** IP address or DNS name the others reach it at; it becomes a SAN of the matching kind. */
  readonly address: string;
}

export interface PkiSpec {
  readonly clusterName: string;
  /** Default cluster.local. */
  readonly clusterDomain?: string;
  /** Service range; its first address is the `kubernetes` service IP and an apiserver SAN. */
  readonly serviceCidr: string;
  readonly vip?: string;
  /** More apiserver SANs (IP or DNS name, `*.x` allowed). */
  readonly apiserverExtraSans?: readonly string[];
  readonly controlPlane: readonly PkiMember[];
  readonly etcd: readonly PkiMember[];
  readonly nodes: readonly PkiMember[];
  /** Default ecdsa (P-256); rsa is RSA-2048. */
  readonly keyType?: KeyType;
  /** Defaults 3650, 365 and 30. */
  readonly caValidityDays?: number;
  readonly certValidityDays?: number;
  readonly renewBeforeDays?: number;
  /** Every run warns about certificates that expire within this many days (default 30; 0: never). */
  readonly expiryWarnDays?: number;
  /** The `server:` of every kubeconfig: the VIP or a local endpoint, e.g. https://127.0.0.1:6443. */
  readonly apiserverEndpoint: string;
  /** Nodes get an etcd client certificate (flannel with its etcd subnet manager). Default false. */
  readonly flannelEtcdClient?: boolean;
}

/** The spec with defaults filled in and addresses in canonical form. */
export type ResolvedPkiSpec = Required<Omit<PkiSpec, 'vip'>> & { readonly vip?: string };

const DEFAULTS = {
  clusterDomain: 'cluster.local',
  keyType: 'ecdsa',
  caValidityDays: 3650,
  certValidityDays: 365,
  renewBeforeDays: 30,
  expiryWarnDays: 30,
  flannelEtcdClient: false,
} as const;

/** Validate and normalize; throws ConfigError("pki.<field>: ...") on the first bad field. */
export function resolvePkiSpec(spec: PkiSpec, where = 'pki'): ResolvedPkiSpec {
  const s = { ...DEFAULTS, apiserverExtraSans: [], ...stripUndefined(spec) };
  const at = (field: string) => `${where}.${field}`;
  if (!isDnsName(s.clusterName)) throw new ConfigError(`"${s.clusterName}" is not a DNS-1123 name`, at('clusterName'));
  if (!isDnsName(s.clusterDomain)) throw new ConfigError(`"${s.clusterDomain}" is not a DNS name`, at('clusterDomain'));
  if (!parseCidr(s.serviceCidr)) throw new ConfigError(`"${s.serviceCidr}" is not a CIDR (e.g. 10.96.0.0/12)`, at('serviceCidr'));
  const vip = s.vip === undefined ? undefined : ip(s.vip, at('vip'));
  const extras = s.apiserverExtraSans.map((x, i) => sanName(x, at(`apiserverExtraSans[${i}]`)));
  if (s.keyType !== 'ecdsa' && s.keyType !== 'rsa') throw new ConfigError(`"${String(s.keyType)}" is not ecdsa or rsa`, at('keyType'));
  for (const f of ['caValidityDays', 'certValidityDays', 'renewBeforeDays', 'expiryWarnDays'] as const) {
    if (!Number.isInteger(s[f]) || s[f] < (f === 'renewBeforeDays' || f === 'expiryWarnDays' ? 0 : 1))
      throw new ConfigError(`${s[f]} is not a whole number of days`, at(f));
  }
  const shortest = Math.min(s.certValidityDays, s.caValidityDays);
  if (s.renewBeforeDays >= shortest) throw new ConfigError(`must be less than certValidityDays and caValidityDays (${shortest})`, at('renewBeforeDays'));
  endpoint(s.apiserverEndpoint, at('apiserverEndpoint'));
  const members = (f: 'controlPlane' | 'etcd' | 'nodes') => memberList(s[f], at(f));
  const out = { ...s, vip, apiserverExtraSans: extras, controlPlane: members('controlPlane'), etcd: members('etcd'), nodes: members('nodes') };
  if (out.controlPlane.length === 0) throw new ConfigError('at least one control-plane host is needed', at('controlPlane'));
  if (out.etcd.length === 0) throw new ConfigError('at least one etcd member is needed', at('etcd'));
  return out;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function ip(text: string, where: string): string {
  const n = normalizeIp(text);
  if (n === undefined) throw new ConfigError(`"${text}" is not an IP address`, where);
  return n;
}

/** An IP (normalized) or a DNS name: what a SAN may hold. */
function sanName(text: string, where: string): string {
  const n = normalizeIp(text);
  if (n !== undefined) return n;
  if (/^[\d.]+$/.test(text) || text.includes(':')) throw new ConfigError(`"${text}" is not a valid IP address`, where);
  if (!isDnsName(text, { wildcard: true })) throw new ConfigError(`"${text}" is neither an IP address nor a DNS name`, where);
  return text;
}

function memberList(list: readonly PkiMember[], where: string): PkiMember[] {
  const seen = new Set<string>();
  return list.map((m, i) => {
    const here = `${where}[${i}]`;
    if (!isDnsName(m.name)) throw new ConfigError(`"${m.name}" is not a DNS-1123 name (lower-case letters, digits, '-', '.')`, `${here}.name`);
    if (seen.has(m.name)) throw new ConfigError(`"${m.name}" is listed twice`, `${here}.name`);
    seen.add(m.name);
    return { name: m.name, address: sanName(m.address, `${here}.address`) };
  });
}

function endpoint(text: string, where: string): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`"${text}" is not a URL (e.g. https://10.0.0.10:6443)`, where);
  }
  if (url.protocol !== 'https:') throw new ConfigError(`"${text}" must be an https:// URL`, where);
}
