/**
 * PKI benchmark: a full PKI for 3 control-plane/etcd hosts + 100 nodes, with ECDSA P-256 and RSA-2048
 * keys, then a no-op re-run of each, next to CFSSL's 24.4 s for CA + 9 control-plane + 100 kubelet
 * certificates (the seeds' tool, measured earlier on this machine).
 *
 *   node --loader ts-node/esm/transpile-only bench/pki.ts [nodes]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, type KeyType, type PkiSpec } from '../roles/pki/catalogue/index.js';

const CFSSL_SECONDS = 24.4;
const nodeCount = Number(process.argv[2] ?? 100);

function spec(keyType: KeyType): PkiSpec {
  const masters = [1, 2, 3].map((i) => ({ name: `master-${i}`, address: `10.0.0.${10 + i}` }));
  const nodes = Array.from({ length: nodeCount }, (_, i) => ({ name: `node-${i + 1}`, address: `10.0.${1 + (i >> 8)}.${i & 0xff}` }));
  return {
    clusterName: 'bench',
    serviceCidr: '10.96.0.0/12',
    vip: '10.0.0.100',
    controlPlane: masters,
    etcd: masters,
    nodes,
    keyType,
    apiserverEndpoint: 'https://10.0.0.100:6443',
  };
}

async function timed(label: string, run: () => Promise<{ changed: number; items: readonly unknown[] }>): Promise<number> {
  const t0 = performance.now();
  const r = await run();
  const s = (performance.now() - t0) / 1000;
  const vs = r.changed ? `   CFSSL ${CFSSL_SECONDS} s, ${(CFSSL_SECONDS / s).toFixed(1)}x faster` : '';
  console.log(`${label.padEnd(20)} ${s.toFixed(2).padStart(6)} s   ${String(r.changed).padStart(3)} of ${r.items.length} items issued${vs}`);
  return s;
}

const dir = await mkdtemp(join(tmpdir(), 'tsplay-pki-bench-'));
try {
  console.log(`PKI for 3 masters (also etcd) + ${nodeCount} nodes; ${process.env.UV_THREADPOOL_SIZE ?? 4} libuv threads`);
  for (const keyType of ['ecdsa', 'rsa'] as const) {
    const d = join(dir, keyType);
    await timed(`${keyType} full`, () => ensurePki(spec(keyType), d, { mode: 'apply' }));
    await timed(`${keyType} no-op re-run`, () => ensurePki(spec(keyType), d, { mode: 'apply' }));
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
