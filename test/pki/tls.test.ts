/**
 * The certificates work where it counts: a real TLS handshake on 127.0.0.1 with the apiserver serving
 * certificate and the admin client certificate, each side verifying the other against the CA.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, createServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { ensurePki } from '../../roles/pki/catalogue/index.js';
import { smallSpec } from './fixtures.js';
import { tempDir } from './helpers.js';

interface Outcome {
  readonly clientSubject?: string;
  readonly error?: string;
}

/** Serve with `server`, connect with `client`; resolve with what the server saw or the client's error. */
async function handshake(dir: string, server: string, client: string, servername = 'kubernetes.default.svc', checkName = true): Promise<Outcome> {
  const read = (f: string) => readFileSync(join(dir, f));
  const seen: Outcome[] = [];
  const srv = createServer(
    { cert: read(`${server}.crt`), key: read(`${server}.key`), ca: read('ca.crt'), requestCert: true, rejectUnauthorized: true },
    (s: TLSSocket) => {
      seen.push({ clientSubject: (s.getPeerCertificate().subject as unknown as Record<string, string>).CN });
      s.end('ok');
    },
  );
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  try {
    const reply = await new Promise<string>((resolve, reject) => {
      const c = connect(
        {
          host: '127.0.0.1',
          port,
          servername,
          ca: read('ca.crt'),
          cert: read(`${client}.crt`),
          key: read(`${client}.key`),
          ...(checkName ? {} : { checkServerIdentity: () => undefined }),
        },
        () => {
          let data = '';
          c.on('data', (d) => (data += d)).on('end', () => resolve(data));
        },
      );
      c.on('error', reject);
    });
    assert.equal(reply, 'ok');
    return seen[0]!;
  } catch (e) {
    return { error: (e as Error).message };
  } finally {
    srv.close();
  }
}

describe('pki: TLS with the issued certificates', () => {
  const t = tempDir();
  before(() => ensurePki(smallSpec({ nodes: [{ name: 'node-1', address: '10.0.1.1' }] }), t.dir, { mode: 'apply' }));
  after(() => t.cleanup());

  it('admin authenticates to the apiserver certificate, both verified against the CA', async () => {
    assert.deepEqual(await handshake(t.dir, 'apiserver', 'admin'), { clientSubject: 'admin' });
  });

  it('the apiserver name is checked: a name outside the SANs is refused', async () => {
    const out = await handshake(t.dir, 'apiserver', 'admin', 'not-the-apiserver.example');
    assert.match(out.error ?? '', /Hostname\/IP does not match certificate's altnames/);
  });

  it('a client-only certificate cannot serve', async () => {
    // Name checks off, so the only thing wrong is the missing serverAuth usage.
    const out = await handshake(t.dir, 'kube-proxy', 'admin', 'kube-proxy', false);
    assert.match(out.error ?? '', /unsuitable certificate purpose/);
  });
});
