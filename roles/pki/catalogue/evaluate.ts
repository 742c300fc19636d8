/**
 * The reuse decision for one certificate, from what is on disk and what is wanted (no I/O). Reuse needs
 * all of: the key parses and matches, the chain verifies, it is outside the renewal window, subject, SANs
 * and usages match. Damage (corrupt, key mismatch) is an error, never a silent overwrite; CA problems are
 * errors too, because re-issuing a CA invalidates everything it signed.
 */
import { X509Certificate } from 'node:crypto';
import { loadKey, type Key } from './keys.js';
import { observe, usagesFor, type Observed, type Usages } from './x509.js';
import type { CertWant, Sans } from './catalog.js';
import type { PkiReason } from './report.js';
import type { KeyType } from './spec.js';

export type Decision =
  | { readonly action: 'reuse' }
  | { readonly action: 'issue'; readonly reason: PkiReason; readonly detail?: string }
  | { readonly action: 'error'; readonly reason: PkiReason; readonly detail?: string };

export interface CertState {
  readonly want: CertWant;
  readonly decision: Decision;
  /** The key to keep when re-issuing (absent: generate one). */
  readonly key?: Key;
  readonly certPem?: string;
  readonly native?: X509Certificate;
  readonly observed?: Observed;
}

export interface EvalContext {
  readonly keyType: KeyType;
  readonly renewBeforeDays: number;
  readonly now: Date;
  readonly renew: boolean;
  /** The issuer's state; undefined for a root CA. */
  readonly issuer?: CertState;
}

const DAY = 86_400_000;

/** A CA that is reused, or only nearing its end (an error to report, but it still signs), can sign. */
export function canSign(s: CertState): boolean {
  const d = s.decision;
  return !!s.key && !!s.native && (d.action === 'reuse' || (d.action === 'error' && d.reason === 'in renewal window'));
}

export function evaluateCert(want: CertWant, crt: string | undefined, keyText: string | undefined, ctx: EvalContext): CertState {
  const isCa = want.usage === 'ca';
  if (ctx.renew) return { want, decision: { action: 'issue', reason: 'renew requested' } };
  if (crt === undefined && keyText === undefined) return { want, decision: { action: 'issue', reason: 'missing' } };
  let key: Key | undefined;
  if (keyText !== undefined) {
    try {
      key = loadKey(keyText);
    } catch (e) {
      return { want, decision: { action: 'error', reason: 'corrupt', detail: `${want.file}.key: ${(e as Error).message}` } };
    }
  }
  const reusable = key && key.type === ctx.keyType ? { key } : {};
  if (crt === undefined)
    return {
      want,
      ...(isCa ? {} : reusable),
      decision:
        isCa && key ? { action: 'error', reason: 'missing', detail: `${want.file}.crt is gone but its key is there` } : { action: 'issue', reason: 'missing' },
    };
  let native: X509Certificate;
  let observed: Observed;
  try {
    native = new X509Certificate(crt);
    observed = observe(native.raw);
  } catch (e) {
    return { want, decision: { action: 'error', reason: 'corrupt', detail: `${want.file}.crt: ${(e as Error).message}` } };
  }
  const base = { want, certPem: crt, native, observed };
  if (!key)
    return { ...base, decision: isCa ? { action: 'error', reason: 'key missing', detail: `${want.file}.key` } : { action: 'issue', reason: 'key missing' } };
  if (!native.checkPrivateKey(key.private))
    return { ...base, decision: { action: 'error', reason: 'key mismatch', detail: `${want.file}.key does not belong to ${want.file}.crt` } };
  const problem = findProblem(want, native, observed, key, ctx);
  if (!problem) return { ...base, key, decision: { action: 'reuse' } };
  if (isCa || problem.reason === 'issuer unusable') return { ...base, key, decision: { action: 'error', ...problem } };
  return { ...base, ...reusable, decision: { action: 'issue', ...problem } };
}

type Problem = { reason: PkiReason; detail?: string };

function findProblem(want: CertWant, native: X509Certificate, o: Observed, key: Key, ctx: EvalContext): Problem | undefined {
  return (
    chainProblem(native, key, ctx) ??
    timeProblem(native, ctx) ??
    contentProblem(want, o, key.type) ??
    (want.usage !== 'ca' && key.type !== ctx.keyType ? { reason: 'key type differs', detail: `${key.type}, want ${ctx.keyType}` } : undefined)
  );
}

function chainProblem(native: X509Certificate, key: Key, ctx: EvalContext): Problem | undefined {
  const issuer = ctx.issuer;
  if (!issuer) return native.verify(key.public) ? undefined : { reason: 'chain invalid', detail: 'self-signature does not verify' };
  if (issuer.decision.action === 'issue') return { reason: 'issuer re-issued', detail: issuer.want.id };
  if (!canSign(issuer) || !issuer.native) return { reason: 'issuer unusable', detail: `${issuer.want.id} is in error` };
  if (!native.checkIssued(issuer.native) || !native.verify(issuer.native.publicKey))
    return { reason: 'chain invalid', detail: `not signed by the current ${issuer.want.id}` };
  return undefined;
}

function timeProblem(native: X509Certificate, ctx: EvalContext): Problem | undefined {
  const left = (new Date(native.validTo).getTime() - ctx.now.getTime()) / DAY;
  if (left <= 0) return { reason: 'expired', detail: `on ${new Date(native.validTo).toISOString()}` };
  if (left < ctx.renewBeforeDays) return { reason: 'in renewal window', detail: `expires in ${Math.floor(left)} days` };
  return undefined;
}

function contentProblem(want: CertWant, o: Observed, keyType: KeyType): Problem | undefined {
  const s = o.subject;
  if (s.cn !== want.subject.cn || s.o !== want.subject.o || s.other !== 0)
    return { reason: 'subject differs', detail: `CN=${s.cn ?? ''} O=${s.o ?? ''}, want CN=${want.subject.cn} O=${want.subject.o ?? ''}` };
  const sanDiff = diffSans(o.sans, want.sans);
  if (sanDiff) return { reason: 'SANs differ', detail: sanDiff };
  if (!sameUsages(o.usages, usagesFor(want.usage, keyType))) return { reason: 'usages differ' };
  return undefined;
}

/** "+IP:10.0.0.5 -DNS:old" or undefined when equal. */
export function diffSans(have: Sans, want: Sans): string | undefined {
  const fmt = (s: Sans) => [...s.dns.map((d) => `DNS:${d}`), ...s.ip.map((i) => `IP:${i}`)];
  const h = new Set(fmt(have));
  const w = new Set(fmt(want));
  const out = [...[...w].filter((x) => !h.has(x)).map((x) => `+${x}`), ...[...h].filter((x) => !w.has(x)).map((x) => `-${x}`)];
  return out.length ? out.join(' ') : undefined;
}

const sameUsages = (a: Usages, b: Usages) => a.ca === b.ca && a.keyUsage === b.keyUsage && a.extKeyUsage.join() === b.extKeyUsage.join();
