/**
 * The etcd CA rotation's file work in the pki directory (the order is rotation-plan.ts's). Every write is
 * atomic and ordered so that a crash leaves a phase phaseOf() recognizes, and nothing is deleted: the old
 * CA stays as etcd/ca-previous.* until the next rotation moves it under etcd/retired/.
 */
import { ConfigError } from '../../../lib/index.js';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { catalog, type CertWant } from './catalog.js';
import { newKey } from './keys.js';
import { phaseOf, planStep, type RotationPhase, type RotationStep } from './rotation-plan.js';
import { resolvePkiSpec, type PkiSpec } from './spec.js';
import { CERT_MODE, KEY_MODE, readText, writeAtomic } from './store.js';
import { issue } from './x509.js';

const F = { current: 'etcd/ca', next: 'etcd/ca-next', previous: 'etcd/ca-previous', trust: 'etcd/ca-trust.crt' } as const;

/** What hosts get in place of a pki file while a rotation runs (etcd/ca.crt: the bundle). */
const PUSHED_INSTEAD: Readonly<Record<string, string>> = { 'etcd/ca.crt': F.trust };

/** The text a host gets for `source`: the trust bundle during a rotation, else the file itself. */
export async function readPushed(dir: string, source: string): Promise<string | undefined> {
  const instead = PUSHED_INSTEAD[source];
  return (instead === undefined ? undefined : await readText(dir, instead)) ?? readText(dir, source);
}

export interface StepResult {
  readonly phase: RotationPhase;
  readonly action: 'advance' | 'repeat';
  /** Leaves to re-issue in the same run (the reissue step: every leaf the etcd CA signs). */
  readonly renew: readonly string[];
  readonly note: string;
}

export async function rotationPhase(dir: string, where: string): Promise<RotationPhase> {
  const has = async (f: string) => (await readText(dir, f)) !== undefined;
  return phaseOf(
    { current: await has(`${F.current}.crt`), next: await has(`${F.next}.crt`), trust: await has(F.trust), previous: await has(`${F.previous}.crt`) },
    where,
  );
}

/** Run one step on `dir` (in check mode the caller passes a scratch copy). */
export async function stepEtcdCa(input: PkiSpec, dir: string, step: RotationStep, where: string, now = new Date()): Promise<StepResult> {
  const spec = resolvePkiSpec(input);
  const wants = catalog(spec);
  const leaves = wants.filter((w): w is CertWant => w.kind === 'cert' && w.issuer === 'etcd-ca').map((w) => w.id);
  const phase = await rotationPhase(dir, where);
  const action = planStep(phase, step, where);
  const text = (f: string) => readText(dir, f);
  if (action === 'repeat') return { phase, action, renew: [], note: `etcd CA rotation: ${step} already done in the pki directory, pushing it again` };
  if (step === 'bundle') {
    if (phase === 'dropped') {
      const stamp = new X509Certificate((await text(`${F.previous}.crt`))!).serialNumber.toLowerCase();
      await mkdir(join(dir, 'etcd/retired'), { recursive: true, mode: 0o700 });
      for (const ext of ['key', 'crt']) await rename(join(dir, `${F.previous}.${ext}`), join(dir, `etcd/retired/ca-${stamp}.${ext}`));
    }
    const want = wants.find((w): w is CertWant => w.id === 'etcd-ca')!;
    const key = await newKey(spec.keyType);
    const pem = issue(want, key, undefined, now);
    await writeAtomic(dir, `${F.next}.key`, key.pem, KEY_MODE);
    await writeAtomic(dir, `${F.next}.crt`, pem, CERT_MODE);
    // Last: the trust file is what makes the phase "bundled".
    await writeAtomic(dir, F.trust, `${(await text(`${F.current}.crt`))!.trimEnd()}\n${pem}`, CERT_MODE);
    return { phase: 'bundled', action, renew: [], note: 'etcd CA rotation: new CA made (etcd/ca-next.crt); hosts trust the old and the new one' };
  }
  if (step === 'reissue') {
    const [crt, key, nextCrt, nextKey] = await Promise.all([text(`${F.current}.crt`), text(`${F.current}.key`), text(`${F.next}.crt`), text(`${F.next}.key`)]);
    if (!crt || !key || !nextCrt || !nextKey)
      throw new ConfigError('etcd/ca.{crt,key} and etcd/ca-next.{crt,key} must all be there for the reissue step', where);
    // A crash after the new CA was (partly) copied in leaves ca.* half new: the old one is then already in ca-previous.*.
    if (key !== nextKey && crt !== nextCrt) {
      await writeAtomic(dir, `${F.previous}.key`, key, KEY_MODE);
      await writeAtomic(dir, `${F.previous}.crt`, crt, CERT_MODE);
    } else if ((await text(`${F.previous}.crt`)) === undefined)
      throw new ConfigError(
        'etcd/ca.* already hold part of the new CA but etcd/ca-previous.* is missing: restore the old CA from a backup of the pki directory',
        where,
      );
    await writeAtomic(dir, `${F.current}.key`, nextKey, KEY_MODE);
    await writeAtomic(dir, `${F.current}.crt`, nextCrt, CERT_MODE);
    // Last: without ca-next the phase reads "reissued" (the leaves then no longer verify and are re-issued anyway).
    await rename(join(dir, `${F.next}.crt`), join(dir, `${F.next}.crt.done`));
    await rename(join(dir, `${F.next}.key`), join(dir, `${F.next}.key.done`));
    return {
      phase: 'reissued',
      action,
      renew: leaves,
      note: `etcd CA rotation: the new CA signs now; re-issuing ${leaves.length} leaves; hosts still trust both`,
    };
  }
  // drop: every leaf must already be signed by the current CA, or a host would be left with a certificate nobody trusts.
  const ca = new X509Certificate((await text(`${F.current}.crt`))!);
  const stale: string[] = [];
  for (const w of wants) {
    if (w.kind !== 'cert' || w.issuer !== 'etcd-ca') continue;
    const pem = await text(`${w.file}.crt`);
    if (pem !== undefined && !new X509Certificate(pem).verify(ca.publicKey)) stale.push(w.id);
  }
  if (stale.length) throw new ConfigError(`not signed by the new etcd CA yet: ${stale.join(', ')}; run the reissue step first`, where);
  await rename(join(dir, F.trust), join(dir, `${F.trust}.dropped`));
  return { phase: 'dropped', action, renew: [], note: 'etcd CA rotation: hosts trust the new CA only; the old one is kept as etcd/ca-previous.*' };
}
