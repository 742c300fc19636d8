/**
 * ensurePki: make the pki directory hold exactly what the spec calls for. Reads everything once, decides
 * per item (evaluate.ts), then, in apply mode, issues what must be issued: CAs first, then every leaf in
 * parallel (key generation runs on the libuv pool), then the kubeconfigs that embed them, and removes the
 * credentials of hosts no longer in the spec (retire.ts). Check mode stops after the decisions and touches
 * nothing, not even the directory.
 */
import { ConfigError, didYouMean } from '../../../lib/index.js';
import { X509Certificate } from 'node:crypto';
import { catalog, type CertWant, type KubeconfigWant, type Want } from './catalog.js';
import { canSign, evaluateCert, type CertState } from './evaluate.js';
import { expiring } from './expiry.js';
import { evaluateKeyPair, writeKeyPair } from './keypair.js';
import { newKey } from './keys.js';
import { kubeconfig } from './kubeconfig.js';
import { summarize, type PkiItem, type PkiReport } from './report.js';
import { groupStale, removeStale, staleFiles } from './retire.js';
import { resolvePkiSpec, type PkiSpec, type ResolvedPkiSpec } from './spec.js';
import { CERT_MODE, KEY_MODE, readText, writeAtomic } from './store.js';
import { issue, keyIdentifier, observe, type Issuer } from './x509.js';

export interface EnsureOptions {
  readonly mode: 'check' | 'apply';
  /** Ids to re-issue with fresh keys whatever their state; 'all' = every leaf certificate (not CAs, not sa). */
  readonly renew?: readonly string[] | 'all';
  /** The clock, for tests of the renewal window. */
  readonly now?: Date;
}

export async function ensurePki(input: PkiSpec, dir: string, opts: EnsureOptions): Promise<PkiReport> {
  const spec = resolvePkiSpec(input);
  const wants = catalog(spec);
  const renew = renewSet(wants, opts.renew);
  const now = opts.now ?? new Date();
  const texts = await readAll(dir, wants);
  const certs = new Map<string, CertState>();
  for (const w of wants) {
    if (w.kind !== 'cert') continue;
    const issuer = w.issuer === undefined ? undefined : certs.get(w.issuer);
    const state = evaluateCert(w, texts.get(`${w.file}.crt`), texts.get(`${w.file}.key`), {
      keyType: spec.keyType,
      renewBeforeDays: spec.renewBeforeDays,
      now,
      renew: renew.has(w.id),
      ...(issuer ? { issuer } : {}),
    });
    certs.set(w.id, blockIfIssuerUnusable(orphanGuard(state, wants, texts), issuer));
  }
  const sa = wants.find((w) => w.kind === 'keypair')!;
  const saState = evaluateKeyPair(texts.get(`${sa.file}.key`), texts.get(`${sa.file}.pub`), renew.has(sa.id));
  if (opts.mode === 'apply') {
    await issueAll(spec, dir, certs, now);
    if (saState.decision.action === 'issue') await writeKeyPair(dir, sa.file, saState, spec.keyType);
  }
  const items: PkiItem[] = [];
  for (const w of wants) {
    if (w.kind === 'cert') items.push(certItem(certs.get(w.id)!, opts.mode));
    else if (w.kind === 'keypair')
      items.push({ id: w.id, kind: 'keypair', files: [`${w.file}.key`, `${w.file}.pub`], ...statusOf(saState.decision, opts.mode) });
    else items.push(await ensureKubeconfig(spec, dir, w, certs, texts.get(w.file), opts.mode));
  }
  const stale = await staleFiles(dir, new Set(wantedFiles(wants)));
  if (opts.mode === 'apply' && stale.length) await removeStale(dir, stale);
  for (const g of groupStale(stale))
    items.push({ id: g.id, kind: 'stale', files: g.files, status: opts.mode === 'check' ? 'would-remove' : 'removed', reason: 'host gone' });
  return summarize(opts.mode, dir, items, expiring(certs.values(), now, spec.expiryWarnDays, opts.mode));
}

function renewSet(wants: readonly Want[], renew: EnsureOptions['renew']): Set<string> {
  const ids = wants.filter((w) => w.kind !== 'kubeconfig').map((w) => w.id);
  if (renew === 'all') return new Set(wants.filter((w) => w.kind === 'cert' && w.usage !== 'ca').map((w) => w.id));
  for (const id of renew ?? []) if (!ids.includes(id)) throw new ConfigError(`unknown PKI item "${id}".${didYouMean(id, ids)}`, 'renew');
  return new Set(renew ?? []);
}

/** Every file the catalogue calls for, relative to the pki directory. */
const wantedFiles = (wants: readonly Want[]): string[] =>
  wants.flatMap((w) => (w.kind === 'cert' ? [`${w.file}.crt`, `${w.file}.key`] : w.kind === 'keypair' ? [`${w.file}.key`, `${w.file}.pub`] : [w.file]));

async function readAll(dir: string, wants: readonly Want[]): Promise<Map<string, string | undefined>> {
  const files = wantedFiles(wants);
  const texts = await Promise.all(files.map((f) => readText(dir, f)));
  return new Map(files.map((f, i) => [f, texts[i]]));
}

/**
 * A missing CA is only created afresh when nothing it signed is left: otherwise making a new one would
 * silently re-issue every certificate (a CA rotation nobody asked for).
 */
function orphanGuard(s: CertState, wants: readonly Want[], texts: ReadonlyMap<string, string | undefined>): CertState {
  if (s.want.usage !== 'ca' || s.decision.action !== 'issue' || s.decision.reason !== 'missing') return s;
  const signed = wants.filter((w) => w.kind === 'cert' && w.issuer === s.want.id && texts.get(`${w.file}.crt`) !== undefined);
  if (signed.length === 0) return s;
  return {
    ...s,
    decision: { action: 'error', reason: 'missing', detail: `${signed.length} certificates it signed are still there; renew it explicitly to start over` },
  };
}

/** A leaf cannot be issued by a CA that is itself in error. */
function blockIfIssuerUnusable(s: CertState, issuer: CertState | undefined): CertState {
  if (s.decision.action !== 'issue' || !issuer || issuer.decision.action === 'issue' || canSign(issuer)) return s;
  return { ...s, decision: { action: 'error', reason: 'issuer unusable', detail: `${issuer.want.id} is in error` } };
}

/** Issue in dependency order: the CAs (in parallel), then every leaf (in parallel). */
async function issueAll(spec: ResolvedPkiSpec, dir: string, certs: Map<string, CertState>, now: Date): Promise<void> {
  const pending = (ca: boolean) => [...certs.values()].filter((s) => s.decision.action === 'issue' && (s.want.usage === 'ca') === ca);
  for (const ca of [true, false]) {
    const done = await Promise.all(pending(ca).map((s) => issueOne(spec, dir, s, s.want.issuer ? issuerOf(certs.get(s.want.issuer)!) : undefined, now)));
    for (const s of done) certs.set(s.want.id, s);
  }
}

function issuerOf(ca: CertState): Issuer {
  const o = ca.observed!;
  return { name: o.name, key: ca.key!, keyId: o.keyId ?? keyIdentifier(ca.key!.public) };
}

async function issueOne(spec: ResolvedPkiSpec, dir: string, s: CertState, issuer: Issuer | undefined, now: Date): Promise<CertState> {
  const key = s.key ?? (await newKey(spec.keyType));
  const certPem = issue(s.want, key, issuer, now);
  // Key first: a crash in between leaves a key without a certificate, which the next run completes.
  if (key !== s.key) await writeAtomic(dir, `${s.want.file}.key`, key.pem, KEY_MODE);
  await writeAtomic(dir, `${s.want.file}.crt`, certPem, CERT_MODE);
  const native = new X509Certificate(certPem);
  return { ...s, key, certPem, native, observed: observe(native.raw) };
}

function statusOf(d: CertState['decision'], mode: 'check' | 'apply'): Pick<PkiItem, 'status' | 'reason' | 'detail'> {
  if (d.action === 'reuse') return { status: 'reused' };
  const status = d.action === 'error' ? 'error' : mode === 'check' ? 'would-issue' : 'issued';
  return { status, reason: d.reason, ...(d.detail ? { detail: d.detail } : {}) };
}

function certItem(s: CertState, mode: 'check' | 'apply'): PkiItem {
  return { id: s.want.id, kind: 'cert', files: [`${s.want.file}.crt`, `${s.want.file}.key`], ...statusOf(s.decision, mode) };
}

/** A kubeconfig is derived data: rewritten whenever its certificate changed or its text differs. */
async function ensureKubeconfig(
  spec: ResolvedPkiSpec,
  dir: string,
  w: KubeconfigWant,
  certs: Map<string, CertState>,
  onDisk: string | undefined,
  mode: 'check' | 'apply',
): Promise<PkiItem> {
  const base = { id: w.id, kind: 'kubeconfig' as const, files: [w.file] };
  const cert = certs.get(w.cert)!;
  const ca = certs.get(cert.want.issuer!)!;
  for (const s of [cert, ca]) {
    if (s.decision.action === 'error' && !canSign(s)) return { ...base, status: 'error', reason: 'issuer unusable', detail: `${s.want.id} is in error` };
  }
  if (mode === 'check' && (cert.decision.action === 'issue' || ca.decision.action === 'issue'))
    return { ...base, status: 'would-issue', reason: 'issuer re-issued', detail: cert.want.id };
  const text = kubeconfig({
    clusterName: spec.clusterName,
    server: spec.apiserverEndpoint,
    user: (cert.want as CertWant).subject.cn,
    caPem: ca.certPem!,
    certPem: cert.certPem!,
    keyPem: cert.key!.pem,
  });
  if (onDisk === text) return { ...base, status: 'reused' };
  if (mode === 'apply') await writeAtomic(dir, w.file, text, KEY_MODE);
  const reissued = cert.decision.action === 'issue' || ca.decision.action === 'issue';
  return {
    ...base,
    status: mode === 'check' ? 'would-issue' : 'issued',
    reason: onDisk === undefined ? 'missing' : reissued ? 'issuer re-issued' : 'content differs',
  };
}
