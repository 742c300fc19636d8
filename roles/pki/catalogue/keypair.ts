/**
 * The service-account key pair: a dedicated key (never the CA's) that signs service-account tokens.
 * Rotating it invalidates every token in the cluster, so it is only replaced when `renew` names it.
 */
import { createPublicKey } from 'node:crypto';
import { loadKey, newKey, publicPem, type Key } from './keys.js';
import type { Decision } from './evaluate.js';
import type { KeyType } from './spec.js';
import { CERT_MODE, KEY_MODE, writeAtomic } from './store.js';

export interface KeyPairState {
  readonly decision: Decision;
  /** The key to keep when only the public half is rewritten. */
  readonly key?: Key;
}

export function evaluateKeyPair(keyText: string | undefined, pubText: string | undefined, renew: boolean): KeyPairState {
  if (renew) return { decision: { action: 'issue', reason: 'renew requested' } };
  if (keyText === undefined) {
    return pubText === undefined
      ? { decision: { action: 'issue', reason: 'missing' } }
      : { decision: { action: 'error', reason: 'key missing', detail: 'sa.pub is there but sa.key is gone' } };
  }
  let key: Key;
  try {
    key = loadKey(keyText);
  } catch (e) {
    return { decision: { action: 'error', reason: 'corrupt', detail: `sa.key: ${(e as Error).message}` } };
  }
  if (pubText === undefined) return { key, decision: { action: 'issue', reason: 'missing', detail: 'sa.pub' } };
  try {
    if (createPublicKey(pubText).equals(key.public)) return { key, decision: { action: 'reuse' } };
  } catch (e) {
    return { decision: { action: 'error', reason: 'corrupt', detail: `sa.pub: ${(e as Error).message}` } };
  }
  return { decision: { action: 'error', reason: 'key mismatch', detail: 'sa.pub does not belong to sa.key' } };
}

export async function writeKeyPair(dir: string, file: string, s: KeyPairState, keyType: KeyType): Promise<void> {
  const key = s.key ?? (await newKey(keyType));
  if (key !== s.key) await writeAtomic(dir, `${file}.key`, key.pem, KEY_MODE);
  await writeAtomic(dir, `${file}.pub`, publicPem(key), CERT_MODE);
}
