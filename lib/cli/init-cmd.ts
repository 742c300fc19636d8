/**
 * `tsplay init DIR`: scaffold a project (init-files.ts) into DIR, which must be empty or missing; --force
 * writes into a non-empty one (replacing only the scaffold's own files). Loaded when `init` runs.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/errors.js';
import { initFiles } from './init-files.js';

/** tsplay's package root: two levels above this file, in lib/cli/ and in dist/cli/. */
export const tsplayRoot = (): string => fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

/** A package name from a directory name: lower case, npm's allowed characters. */
const packageName = (dir: string): string =>
  basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '') || 'tsplay-project';

export function initProject({ dir, force = false, root = tsplayRoot() }: { dir: string; force?: boolean; root?: string }): string[] {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new ConfigError('is a file, expected a directory for the new project', dir);
  const there = existsSync(dir) ? readdirSync(dir).sort() : [];
  if (there.length && !force) {
    const shown = there.slice(0, 8).join(', ') + (there.length > 8 ? `, and ${there.length - 8} more` : '');
    throw new ConfigError(`is not empty (${shown}): pick an empty or new directory, or add --force to write the scaffold's files over it`, dir);
  }
  const files = initFiles({ name: packageName(dir), tsplayRoot: root });
  for (const [rel, text] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return Object.keys(files);
}

export function initCommand({ dir, force, out }: { dir: string; force?: boolean; out: NodeJS.WritableStream }): void {
  const written = initProject({ dir, ...(force ? { force } : {}) });
  out.write(
    `${written.map((f) => `  ${join(dir, f)}`).join('\n')}\n\nNext:\n  cd ${dir}\n  npm install      # links this tsplay (file:), no download\n  npm test         # the motd role on a fake Debian host\n  npx tsplay run playbook.ts -i inventory.ts --check\n`,
  );
}
