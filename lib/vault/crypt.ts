/**
 * age encryption with a passphrase (an scrypt recipient, the only one in the header), ASCII-armored, so that
 * `age -d FILE` reads what tsplay writes and tsplay reads what `age -p -a` writes. The only file that loads
 * age-encryption: import it lazily (a run without an encrypted vars file never pays for it).
 */
import { armor, Decrypter, Encrypter } from 'age-encryption';
import { ConfigError } from '../core/errors.js';
import { isArmored } from './format.js';

/** age's default scrypt work factor (log2 N): about 1.5 s in pure JS; tests pass a lower one. */
export const WORK_FACTOR = 18;

/** `data` encrypted with `passphrase`, as an armored age file (with a final newline). */
export async function encrypt({
  data,
  passphrase,
  workFactor = WORK_FACTOR,
}: {
  data: Uint8Array | string;
  passphrase: string;
  workFactor?: number;
}): Promise<string> {
  const e = new Encrypter();
  e.setPassphrase(passphrase);
  e.setScryptWorkFactor(workFactor);
  return armor.encode(await e.encrypt(data));
}

/** The clear bytes of an age file (armored or binary), or a ConfigError naming `shownAs` (a wrong passphrase, a damaged file). */
export async function decrypt({ data, passphrase, shownAs }: { data: Uint8Array; passphrase: string; shownAs: string }): Promise<Uint8Array> {
  let raw: Uint8Array;
  const text = Buffer.from(data).toString('utf8');
  try {
    raw = isArmored(text) ? armor.decode(text) : data;
  } catch (e) {
    throw new ConfigError(`is not a valid armored age file: ${(e as Error).message}`, shownAs, { cause: e });
  }
  const d = new Decrypter();
  d.addPassphrase(passphrase);
  try {
    return await d.decrypt(raw);
  } catch (e) {
    throw new ConfigError(reason((e as Error).message), shownAs, { cause: e });
  }
}

/** age-encryption's error, said in the user's terms. */
function reason(message: string): string {
  if (/no identity matched/.test(message)) return 'wrong passphrase: it does not decrypt this file (or the file is encrypted to age keys, not to a passphrase)';
  if (/scrypt recipient is not the only one/.test(message)) return 'is encrypted to age keys besides a passphrase: tsplay decrypts passphrase files only';
  if (/work factor is too high/.test(message)) return 'its scrypt work factor is above 20, more than tsplay decrypts';
  return `cannot be decrypted (damaged or not an age file): ${message}`;
}
