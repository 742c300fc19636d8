/**
 * At run time: decrypt the encrypted `-e @files` in memory (one passphrase for them all, asked at most once)
 * and register every string value in them as a secret, so that it is masked in all output ([secret]).
 */
import { parse } from 'yaml';
import { decrypt } from './crypt.js';
import { openVault } from './opened.js';
import { type PassphraseSources, vaultPassphrase } from './passphrase.js';
import { rememberStrings } from './secret-values.js';

export interface SealedFile {
  readonly file: string;
  /** Its armored text. */
  readonly text: string;
}

export async function openVaultFiles({
  files,
  sources,
}: {
  files: readonly SealedFile[];
  sources: Omit<PassphraseSources, 'forWhat' | 'confirm'>;
}): Promise<void> {
  if (files.length === 0) return;
  const passphrase = await vaultPassphrase({ ...sources, forWhat: `-e @${files[0]!.file}` });
  for (const { file, text } of files) {
    const clear = Buffer.from(await decrypt({ data: Buffer.from(text), passphrase, shownAs: `-e @${file}` })).toString('utf8');
    rememberStrings(parsed(clear) ?? clear.split('\n').map((l) => l.trim()));
    openVault(text, clear);
  }
}

/** The file's values, or undefined when it does not parse (its lines are masked then: the error is reported when the vars are read). */
function parsed(clear: string): unknown {
  try {
    return parse(clear);
  } catch {
    return undefined;
  }
}
