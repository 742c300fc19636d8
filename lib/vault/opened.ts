/**
 * The clear texts of the age-encrypted `-e @files` of this run, in memory only (nothing is written in clear),
 * by their armored text: a file that changed after it was decrypted is not taken for its older self.
 */
import { isArmored } from './format.js';

const opened = new Map<string, string>();

export const openVault = (armored: string, clear: string): void => void opened.set(armored, clear);

/** Forget what an earlier run decrypted: each run decrypts with its own passphrase. */
export const closeVaults = (): void => opened.clear();

/** The armored texts among `texts`. */
export const sealed = (texts: readonly string[]): string[] => texts.filter(isArmored);

/** A vars file's text as `read` gives it, or its clear text when it is an encrypted file decrypted before. */
export function clearText(read: (file: string) => string): (file: string) => string {
  return (file) => {
    const text = read(file);
    if (text.startsWith('age-encryption.org/v1\n')) throw new Error('it is a binary age file: tsplay reads armored ones (`tsplay vault encrypt`, or `age -a`)');
    if (!isArmored(text)) return text;
    const clear = opened.get(text);
    if (clear === undefined) throw new Error('it is age-encrypted and was not decrypted before the run (did it change during the run?)');
    return clear;
  };
}
