/**
 * Private keys: generated with node:crypto's async generateKeyPair (native, on the libuv thread pool, so
 * many RSA keys are made in parallel), stored as PKCS#8 PEM, and remembered as secrets the moment they
 * exist in memory so that no report or error can print them.
 */
import { rememberSecret } from '../../../lib/index.js';
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { KeyType } from './spec.js';

const generate = promisify(generateKeyPair);

export interface Key {
  readonly type: KeyType;
  readonly private: KeyObject;
  readonly public: KeyObject;
  /** PKCS#8 PEM, registered as a secret. */
  readonly pem: string;
}

/** A fresh ECDSA P-256 or RSA-2048 key. */
export async function newKey(type: KeyType): Promise<Key> {
  const pair = type === 'ecdsa' ? await generate('ec', { namedCurve: 'P-256' }) : await generate('rsa', { modulusLength: 2048 });
  const pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  rememberSecret(pem);
  return { type, private: pair.privateKey, public: pair.publicKey, pem };
}

/** Parse a stored key; throws (the caller reports "corrupt") when it is not a P-256 or RSA key. */
export function loadKey(pem: string): Key {
  rememberSecret(pem);
  const priv = createPrivateKey(pem);
  const type = keyTypeOf(priv);
  if (!type) throw new Error(`unsupported key (${priv.asymmetricKeyType} ${priv.asymmetricKeyDetails?.namedCurve ?? ''})`.trim());
  return { type, private: priv, public: createPublicKey(priv), pem };
}

export function keyTypeOf(k: KeyObject): KeyType | undefined {
  if (k.asymmetricKeyType === 'rsa') return 'rsa';
  if (k.asymmetricKeyType === 'ec' && k.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ecdsa';
  return undefined;
}

export const publicPem = (k: Key): string => k.public.export({ type: 'spki', format: 'pem' }) as string;

export const spkiDer = (k: KeyObject): Buffer => k.export({ type: 'spki', format: 'der' });
