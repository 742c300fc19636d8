/**
 * The build a warm daemon runs: tsplay's version, Node's, and a hash of every file of the transport (this
 * folder's parent, compiled or source). A client talks only to a daemon of its own build: after an upgrade
 * or a rebuild the old daemon is told to go, so a stale transport never serves a run.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

let cached: string | undefined;

export function buildId(transportDir = dirname(here)): string {
  if (cached !== undefined && transportDir === dirname(here)) return cached;
  const hash = createHash('sha256');
  const files = readdirSync(transportDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(?:[cm]?js|ts)$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const f of files) hash.update(`${f.slice(transportDir.length)}\0`).update(readFileSync(f));
  const id = `${version(transportDir)} node ${process.version} ${hash.digest('hex').slice(0, 16)}`;
  if (transportDir === dirname(here)) cached = id;
  return id;
}

/** package.json's version, two folders up (lib/transport or dist/transport). */
function version(transportDir: string): string {
  try {
    return `tsplay ${(JSON.parse(readFileSync(join(transportDir, '..', '..', 'package.json'), 'utf8')) as { version?: string }).version ?? '?'}`;
  } catch {
    return 'tsplay ?';
  }
}
