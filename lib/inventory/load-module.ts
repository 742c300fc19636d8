/**
 * Load an inventory or playbook module (.ts through the ts-node ESM loader the process runs with, or .js)
 * and return its default export. Every way that can fail becomes a ConfigError that names the file and,
 * where the loader tells, the line: a missing file (with did-you-mean over its siblings), a syntax error,
 * an import that does not resolve, an exception while evaluating, a missing default export.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { didYouMean, suggest } from '../core/did-you-mean.js';
import { ConfigError } from '../core/errors.js';
import { cjsSyntaxLocation, formatLocation, frameIn, importLine, missingImport, swcSyntaxError, type Location } from './locate.js';

export type ModuleKind = 'inventory' | 'playbook';

const example: Record<ModuleKind, string> = {
  inventory: 'export default defineInventory({ hosts: {...}, groups: {...} })',
  playbook: 'export default definePlaybook({ plays: [...] })',
};

/** A path as the user would type it: relative to the working directory when inside it. */
export function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** The URL the engine imports the user's module `abs` (an absolute path) from: the `tsplay` command sets its own. */
let locate = (abs: string): string => pathToFileURL(abs).href;

/**
 * How the user's modules (inventories, playbooks, the project's roles) are imported from now on: the `tsplay`
 * command answers from its native mirror of them when it can (lib/cli/user-mirror.ts), else registers its hook.
 */
export function locateUserModules(f: (abs: string) => string): void {
  locate = f;
}

/** The URL to import the user's module `abs` from. */
export const userModuleURL = (abs: string): string => locate(abs);

export async function importDefault(file: string, kind: ModuleKind): Promise<unknown> {
  const abs = resolve(file);
  assertFile(abs, kind);
  if (kind === 'inventory' && !/\.[cm]?[jt]s$/.test(abs)) {
    // An Ansible inventory (hosts.ini, hosts.yml, hosts): its parser loads only when one is used.
    const { loadAnsibleInventory } = await import('./ansible/index.js');
    return loadAnsibleInventory(abs);
  }
  // Stack traces of a .ts module then point at its source lines, not at swc's output.
  process.setSourceMapsEnabled(true);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(userModuleURL(abs))) as Record<string, unknown>;
  } catch (e) {
    throw await explain(e, abs, kind);
  }
  if (mod.default === undefined) {
    const named = Object.keys(mod).filter((k) => k !== 'default');
    const has = named.length ? ` (it exports ${named.map((n) => `"${n}"`).join(', ')})` : '';
    throw new ConfigError(`no default export${has}: expected \`${example[kind]}\``, shown(abs));
  }
  return mod.default;
}

function assertFile(abs: string, kind: ModuleKind): void {
  if (existsSync(abs) && statSync(abs).isFile()) return;
  if (existsSync(abs)) throw new ConfigError(`is a directory, expected ${kind === 'inventory' ? 'an' : 'a'} ${kind} file (.ts or .js)`, shown(abs));
  const dir = dirname(abs);
  const siblings = existsSync(dir) ? readdirSync(dir).filter((f) => /\.[cm]?[jt]s$/.test(f) || (kind === 'inventory' && /\.(ini|ya?ml|json)$/.test(f))) : [];
  const near = suggest(basename(abs), siblings).map((f) => shown(join(dir, f)));
  const where = existsSync(dir) ? '' : ` (no directory ${shown(dir)})`;
  throw new ConfigError(`${kind} file not found${where}.${didYouMean(shown(abs), near)}`, shown(abs));
}

async function explain(e: unknown, abs: string, kind: ModuleKind): Promise<ConfigError> {
  const err = e instanceof Error ? e : new Error(String(e));
  const at = (loc: Location) => formatLocation(shown(loc.file), loc);
  const swc = swcSyntaxError(err.message);
  if (swc) return new ConfigError(`syntax error: ${swc.reason}\n${swc.frame}`, at(swc), { cause: e });
  const missing = missingImport(err.message);
  if (missing && existsSync(missing.importer)) {
    const line = importLine(readFileSync(missing.importer, 'utf8'), missing.missing);
    const where = line ? at({ file: missing.importer, line }) : shown(missing.importer);
    return new ConfigError(`cannot find ${shown(missing.missing)}, imported here`, where, { cause: e });
  }
  if (err.name === 'SyntaxError') return syntaxError(err, abs);
  const loc = frameIn(err.stack ?? '', abs);
  return new ConfigError(`${kind} threw while loading: ${err.message}`, loc ? at(loc) : shown(abs), { cause: e });
}

/** Node's own SyntaxError (a .js module, or a .ts one Node took for CommonJS) rarely says where: find it. */
async function syntaxError(err: Error, abs: string): Promise<ConfigError> {
  const cjs = cjsSyntaxLocation(err.stack ?? '');
  if (cjs) {
    const hint = /\.ts$/.test(cjs.file) ? ' (Node loaded this .ts file as CommonJS: is there a package.json with "type": "module" above it?)' : '';
    return new ConfigError(`syntax error: ${err.message}${hint}`, formatLocation(shown(cjs.file), cjs), { cause: err });
  }
  const loc = await parseLocation(abs);
  const where = loc ? formatLocation(shown(abs), loc) : shown(abs);
  return new ConfigError(`syntax error: ${loc?.reason ?? err.message}`, where, { cause: err });
}

/** TypeScript's parser (loaded only on this error path) says where the first syntax error of a file is. */
async function parseLocation(abs: string): Promise<(Pick<Location, 'line' | 'column'> & { reason: string }) | undefined> {
  const ts = (await import('typescript')).default;
  const out = ts.transpileModule(readFileSync(abs, 'utf8'), { fileName: abs, reportDiagnostics: true });
  const d = out.diagnostics?.find((x) => x.file && x.start !== undefined);
  if (!d?.file || d.start === undefined) return undefined;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return { line: line + 1, column: character + 1, reason: ts.flattenDiagnosticMessageText(d.messageText, ' ') };
}
