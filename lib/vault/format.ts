/**
 * Whether a file is age-encrypted. tsplay writes ASCII armor (it diffs in git); `age` without `-a` writes the
 * binary header, which is recognised too so that it is never encrypted twice.
 */
export const ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';
const BINARY_HEADER = 'age-encryption.org/v1\n';

/** The text is an ASCII-armored age file (leading whitespace allowed, as age allows it). */
export const isArmored = (text: string): boolean => text.trimStart().startsWith(ARMOR_BEGIN);

/** The bytes are an age file, armored or binary. */
export function isEncrypted(data: Uint8Array): boolean {
  const head = Buffer.from(data.subarray(0, 256)).toString('latin1');
  return head.startsWith(BINARY_HEADER) || isArmored(head);
}
