/**
 * `-e key=value` and `-e @vars.yml` / `-e @vars.json` into one map, in order (a later one wins), with
 * where each key came from so that errors about it name the file. Values from a file keep their type
 * on the way: they travel as the text `-e` would give (JSON for lists and objects) and are typed by the
 * role's default like any `-e` value. A malformed pair or a file that does not parse names itself.
 * An age-encrypted vars file (`tsplay vault encrypt`) is decrypted in memory first (openVaultVars).
 */
import { ConfigError } from '../core/errors.js';
import { readMapping, readText, type ReadText } from '../inventory/ansible/yaml-file.js';
import { clearText, closeVaults, sealed } from '../vault/opened.js';
import { askPassword } from './ask-password.js';

export interface ExtraVars {
  readonly vars: Record<string, string>;
  /** Key -> the vars file that set it last (absent for key=value). */
  readonly files: Record<string, string>;
}

const asText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

export function readExtraVars(args: readonly string[], read: ReadText = readText): ExtraVars {
  const vars: Record<string, string> = {};
  const files: Record<string, string> = {};
  for (const p of args) {
    if (p.startsWith('@')) {
      const file = p.slice(1);
      if (!file) throw new ConfigError('expected @FILE (a .yml, .yaml or .json vars file), got "@"', '-e');
      for (const [k, v] of Object.entries(readMapping(file, `-e @${file}`, clearText(read)))) {
        vars[k] = asText(v);
        files[k] = file;
      }
      continue;
    }
    const at = p.indexOf('=');
    if (at <= 0) throw new ConfigError(`expected key=value, got "${p}" (a vars file is -e @FILE)`, '-e');
    const k = p.slice(0, at);
    vars[k] = p.slice(at + 1);
    delete files[k];
  }
  return { vars, files };
}

/**
 * Before a run: decrypt the age-encrypted `-e @files` in memory and mask their values (lib/vault/vars-files.ts,
 * loaded only when there is one). A file that cannot be read is left to readExtraVars to name.
 */
export async function openVaultVars(
  { extraVar, vaultPasswordFile }: { extraVar: readonly string[]; vaultPasswordFile?: string | undefined },
  read: ReadText = readText,
): Promise<void> {
  closeVaults();
  const texts = new Map<string, string>();
  for (const p of extraVar) {
    try {
      if (p.length > 1 && p.startsWith('@')) texts.set(read(p.slice(1)), p.slice(1));
    } catch {
      // readExtraVars names a file it cannot read
    }
  }
  const files = sealed([...texts.keys()]).map((text) => ({ file: texts.get(text)!, text }));
  if (files.length === 0) return;
  const { openVaultFiles } = await import('../vault/vars-files.js');
  await openVaultFiles({ files, sources: { file: vaultPasswordFile, ask: process.stdin.isTTY ? (p: string) => askPassword(p) : undefined } });
}

/** `-e k=v` pairs only, as before. */
export const parseExtraVars = (pairs: readonly string[]): Record<string, string> => readExtraVars(pairs).vars;

/**
 * An error the runner raised about `-e KEY` (an unknown var, a value of the wrong type), renamed to the
 * vars file that set KEY; any other error as it was.
 */
export function fromVarsFile(e: unknown, extra: ExtraVars): unknown {
  if (!(e instanceof ConfigError) || !e.where?.startsWith('-e ')) return e;
  const key = e.where.slice(3);
  const file = extra.files[key];
  if (!file) return e;
  return new ConfigError(e.message.slice(e.where.length + 2), `-e @${file}: ${key}`, { cause: e });
}
