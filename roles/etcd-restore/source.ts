/**
 * The snapshot a restore starts from, checked on the controller before any host is touched: the file and
 * its sidecar (written by etcd-backup) exist, the file's sha256 and size are the sidecar's, and it is
 * this cluster's. Anything else is refused, saying why.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../../lib/index.js';

/** What etcd-backup's sidecar records (roles/etcd-backup/commands.ts). */
export interface Sidecar {
  readonly cluster: string;
  readonly member: string;
  readonly snapshot: string;
  readonly taken_at: string;
  readonly etcd_version: string;
  readonly revision: number | null;
  readonly sha256: string;
  readonly bytes: number;
}

export interface Source extends Sidecar {
  /** The snapshot's absolute path on the controller. */
  readonly path: string;
}

const VAR = 'etcd_restore_snapshot';

/** The sidecar's fields, or why it is not one. Pure. */
export function parseSidecar(text: string, where: string): Sidecar {
  let s: Partial<Sidecar>;
  try {
    s = JSON.parse(text) as Partial<Sidecar>;
  } catch {
    throw new ConfigError(`${where} is not JSON: the sidecar etcd-backup writes beside each snapshot`, VAR);
  }
  if (typeof s.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(s.sha256) || typeof s.bytes !== 'number' || typeof s.cluster !== 'string') {
    throw new ConfigError(`${where} has no sha256, bytes and cluster: not a sidecar etcd-backup wrote`, VAR);
  }
  return s as Sidecar;
}

/** Refuses a snapshot whose bytes are not the ones the sidecar recorded, or another cluster's. Pure. */
export function judgeSource(path: string, side: Sidecar, got: { readonly sha256: string; readonly bytes: number }, cluster: string): void {
  if (got.sha256 !== side.sha256 || got.bytes !== side.bytes) {
    throw new ConfigError(
      `${path} does not match its sidecar: sha256 ${got.sha256} (${got.bytes} bytes), the sidecar says ${side.sha256} (${side.bytes} bytes); the file changed since the backup, refusing to restore it`,
      VAR,
    );
  }
  if (side.cluster !== cluster) throw new ConfigError(`${path} is a snapshot of cluster "${side.cluster}", not of this inventory's "${cluster}"`, VAR);
}

async function sha256Of(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Reads and checks the snapshot named by the var (relative to the working directory). */
export async function loadSource(given: string, cluster: string): Promise<Source> {
  if (!given) throw new ConfigError(`no snapshot given: run with -e ${VAR}=PATH (a .db file etcd-backup wrote, its .json sidecar beside it)`, VAR);
  const path = resolve(given);
  if (!existsSync(path) || !statSync(path).isFile()) throw new ConfigError(`${path} does not exist or is not a file`, VAR);
  const sidecar = `${path}.json`;
  if (!existsSync(sidecar))
    throw new ConfigError(
      `${path} has no sidecar ${sidecar}: its checksum cannot be checked (a backup killed before it completed leaves a snapshot without one)`,
      VAR,
    );
  const side = parseSidecar(readFileSync(sidecar, 'utf8'), sidecar);
  judgeSource(path, side, { sha256: await sha256Of(path), bytes: statSync(path).size }, cluster);
  return { ...side, path };
}
