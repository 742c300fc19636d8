/**
 * `--serve-artifacts ADDR:PORT`: the controller's verified cache over plain HTTP for the length of a run,
 * so hosts fetch in parallel and the controller's CPU does no encryption. Read-only and by digest only:
 * GET/HEAD /sha256/<hex> of a file this run prepared and offered to it; anything else is a 404. Bound to
 * the one address named (never a wildcard), so it is reachable only where the operator chose.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import type { ArtifactMirror } from '../core/artifact-mirror.js';
import { ConfigError } from '../core/errors.js';

export interface ServedArtifacts {
  /** The base URL hosts fetch from (http://ADDR:PORT). */
  readonly url: string;
  /** This server as the hosts' mirror: the artifact resource offers each file it prepared (all the server may send). */
  readonly mirror: ArtifactMirror;
  close(): Promise<void>;
}

/** ADDR:PORT or [v6]:PORT, a concrete address (not 0.0.0.0 or ::); port 0 takes a free one (tests). `where` names the flag. */
export function parseListen(spec: string, where: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(spec);
  const host = m?.[1] ?? m?.[2] ?? '';
  const port = Number(m?.[3]);
  if (!m || !isIP(host) || port > 65535)
    throw new ConfigError(`expected ADDRESS:PORT such as 10.231.0.1:8088 (an IP address of this controller), got ${JSON.stringify(spec)}`, where);
  if (/^(0\.0\.0\.0|::|\[?::\]?)$/.test(host)) throw new ConfigError(`name the one address hosts reach this controller on, not the wildcard ${host}`, where);
  return { host, port };
}

/** `offered`: sha256 -> controller path of each verified file offered to this server. */
function handler(server: Server, offered: ReadonlyMap<string, string>): void {
  server.on('request', async (req, res) => {
    const m = /^\/sha256\/([0-9a-f]{64})$/.exec(req.url ?? '');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const path = m ? offered.get(m[1]!) : undefined;
    const size = path
      ? await stat(path).then(
          (s) => s.size,
          () => undefined,
        )
      : undefined;
    if (!path || size === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not an artifact of this run\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // 1 MiB reads: a sixteenth of the syscalls of the default 64 KiB, for files of 100 MB and more.
    createReadStream(path, { highWaterMark: 1 << 20 })
      .on('error', () => res.destroy())
      .pipe(res);
  });
}

/** Listen on `spec` (ADDR:PORT) until close(); rejects when the address cannot be bound. */
export async function serveArtifacts(spec: string, where = '--serve-artifacts'): Promise<ServedArtifacts> {
  const { host, port } = parseListen(spec, where);
  const server = createServer();
  const offered = new Map<string, string>();
  handler(server, offered);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new ConfigError(`cannot listen on ${spec}: ${e.message}`, where)));
    server.listen({ host, port, exclusive: true }, resolve);
  });
  const shown = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    mirror: {
      base: url,
      offer: (files) => {
        for (const f of files) offered.set(f.sha256, f.localPath);
      },
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
