/**
 * Does a real Kubernetes API answer? Asked from the controller, with the cluster PKI's admin certificate:
 * GET /api/v1/nodes/<node>. A real apiserver answers with a Node, or with a Status (404: not registered);
 * the lab's stand-in serves /version but no /api/v1 objects. `classify` is pure over the answers.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';

export interface Answer {
  readonly status: number;
  readonly body: string;
}

export type ApiKind =
  | { readonly api: 'real'; readonly node: 'present' | 'absent' }
  | { readonly api: 'standin'; readonly version: string }
  | { readonly api: 'unknown'; readonly why: string };

const json = (s: string): Record<string, unknown> | undefined => {
  try {
    const v: unknown = JSON.parse(s);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** From the answers to /api/v1/nodes/<node> and /version (undefined when not asked or not answered). */
export function classify(node: Answer, version?: Answer): ApiKind {
  const n = json(node.body);
  if (node.status === 200 && n?.['kind'] === 'Node') return { api: 'real', node: 'present' };
  if (node.status === 404 && n?.['kind'] === 'Status') return { api: 'real', node: 'absent' };
  const v = version && version.status === 200 ? json(version.body) : undefined;
  if (node.status === 404 && typeof v?.['gitVersion'] === 'string') return { api: 'standin', version: v['gitVersion'] };
  return { api: 'unknown', why: `GET /api/v1/nodes answered ${node.status} ${JSON.stringify(node.body.slice(0, 120))}` };
}

/** GET `path` of `endpoint` with the admin client certificate of the pki dir. */
export function get(endpoint: string, path: string, pkiDir: string, timeoutMs = 5000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${endpoint.replace(/\/$/, '')}${path}`,
      {
        ca: readFileSync(join(pkiDir, 'ca.crt')),
        cert: readFileSync(join(pkiDir, 'admin.crt')),
        key: readFileSync(join(pkiDir, 'admin.key')),
        timeout: timeoutMs,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Ask the API at `endpoint` about `node`; a transport error is 'unknown' with why. */
export async function probeApi(endpoint: string, node: string, pkiDir: string): Promise<ApiKind> {
  try {
    const n = await get(endpoint, `/api/v1/nodes/${encodeURIComponent(node)}`, pkiDir);
    const v = n.status === 404 ? await get(endpoint, '/version', pkiDir).catch(() => undefined) : undefined;
    return classify(n, v);
  } catch (e) {
    return { api: 'unknown', why: (e as Error).message };
  }
}
