/** What ensurePki did or would do, item by item, with the reason; printable without leaking keys. */
import type { ExpiryWarning } from './expiry.js';

export type PkiStatus = 'reused' | 'issued' | 'would-issue' | 'removed' | 'would-remove' | 'error';

export type PkiReason =
  | 'missing'
  | 'key missing'
  | 'key mismatch'
  | 'key type differs'
  | 'chain invalid'
  | 'issuer re-issued'
  | 'issuer unusable'
  | 'expired'
  | 'in renewal window'
  | 'subject differs'
  | 'SANs differ'
  | 'usages differ'
  | 'corrupt'
  | 'renew requested'
  | 'content differs'
  /** A credential of a host that is no longer in the inventory. */
  | 'host gone';

export interface PkiItem {
  /** Catalogue id: ca, apiserver, kubelet:<node>, etcd-server:<member>, sa, kubeconfig:admin, ... */
  readonly id: string;
  readonly kind: 'cert' | 'keypair' | 'kubeconfig' | 'stale';
  readonly status: PkiStatus;
  readonly reason?: PkiReason;
  /** Specifics: which SANs, which file, the parser's message. Never key material. */
  readonly detail?: string;
  /** Paths relative to the pki directory. */
  readonly files: readonly string[];
}

export interface PkiReport {
  readonly mode: 'check' | 'apply';
  readonly dir: string;
  readonly items: readonly PkiItem[];
  /** Items issued (apply) or that would be (check). */
  readonly changed: number;
  readonly errors: number;
  /** Certificates that end within the spec's expiryWarnDays, soonest first. */
  readonly expiring: readonly ExpiryWarning[];
}

export function summarize(mode: 'check' | 'apply', dir: string, items: readonly PkiItem[], expiring: readonly ExpiryWarning[] = []): PkiReport {
  const changed = items.filter((i) => i.status !== 'reused' && i.status !== 'error').length;
  return { mode, dir, items, changed, errors: items.filter((i) => i.status === 'error').length, expiring };
}

/** One line per item that is not plainly reused, then a count; for the console and error messages. */
export function formatPkiReport(r: PkiReport): string {
  const lines = r.items
    .filter((i) => i.status !== 'reused')
    .map((i) => `${i.status.padEnd(11)} ${i.id}${i.reason ? ` (${i.reason}${i.detail ? `: ${i.detail}` : ''})` : ''}`);
  const gone = r.items.filter((i) => i.kind === 'stale').length;
  const verb = r.mode === 'check' ? 'would issue' : 'issued';
  const removed = gone ? `, ${gone} ${r.mode === 'check' ? 'would remove' : 'removed'}` : '';
  return [...lines, `pki ${r.dir}: ${r.items.length - r.changed - r.errors} reused, ${r.changed - gone} ${verb}${removed}, ${r.errors} errors`].join('\n');
}
