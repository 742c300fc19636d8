/**
 * Expiry warnings: every certificate of the pki directory that ends within `days` of `now`, after the run's
 * decisions (what is left on disk once this run issued what it issues; in check mode, a certificate that
 * would be re-issued is not counted). Hosts hold exactly these files once a run converged them (the push
 * compares whole files), so the controller's copy answers for the hosts without a round trip. Pure.
 */
import type { CertState } from './evaluate.js';

const DAY = 86_400_000;

export interface ExpiryWarning {
  /** Catalogue id: etcd-ca, apiserver, etcd-server:<member>, ... */
  readonly id: string;
  /** File in the pki directory. */
  readonly file: string;
  readonly ca: boolean;
  /** ISO 8601. */
  readonly notAfter: string;
  /** Whole days left, rounded down (negative once expired). */
  readonly daysLeft: number;
}

export function expiring(states: Iterable<CertState>, now: Date, days: number, mode: 'check' | 'apply'): ExpiryWarning[] {
  if (days <= 0) return [];
  const out: ExpiryWarning[] = [];
  for (const s of states) {
    if (!s.native || (mode === 'check' && s.decision.action === 'issue')) continue;
    const end = new Date(s.native.validTo);
    const left = (end.getTime() - now.getTime()) / DAY;
    if (left < days)
      out.push({ id: s.want.id, file: `${s.want.file}.crt`, ca: s.want.usage === 'ca', notAfter: end.toISOString(), daysLeft: Math.floor(left) });
  }
  return out.sort((a, b) => a.daysLeft - b.daysLeft || a.id.localeCompare(b.id));
}

/** One line per certificate, soonest first, then what to do. */
export function formatExpiry(dir: string, warnings: readonly ExpiryWarning[], days: number): string {
  const w = Math.max(...warnings.map((x) => x.id.length));
  return [
    `${warnings.length} certificate${warnings.length === 1 ? '' : 's'} of ${dir} expire within ${days} days:`,
    ...warnings.map(
      (x) =>
        `  ${x.id.padEnd(w)}  ${x.daysLeft < 0 ? 'EXPIRED' : `${x.daysLeft} days`.padStart(8)}  ${x.notAfter}${x.ca ? `  (a CA: ${x.id === 'etcd-ca' ? 'rotate it with playbooks/certs-etcd-ca.ts' : 'renewal does not replace it'})` : ''}`,
    ),
    'renew leaves with playbooks/certs-renew.ts (-e certs_renew=all or names)',
  ].join('\n');
}
