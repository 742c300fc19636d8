/**
 * Digests for plan files: sha256 of a canonical JSON (object keys sorted, bytes as base64), so the same
 * answers or actions always give the same digest whatever order a resource built its objects in.
 */
import { createHash } from 'node:crypto';

function canonical(v: unknown): unknown {
  if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString('base64') };
  if (typeof v === 'bigint') return { $bigint: v.toString() };
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .filter((k) => o[k] !== undefined)
        .map((k) => [k, canonical(o[k])]),
    );
  }
  return v;
}

/** `sha256:<hex>` of `v`'s canonical JSON. */
export const digestOf = (v: unknown): string =>
  `sha256:${createHash('sha256')
    .update(JSON.stringify(canonical(v)) ?? 'undefined')
    .digest('hex')}`;

/** `v` as the plan file stores it (bytes as base64, keys sorted): what digestOf hashes. */
export const storable = (v: unknown): unknown => canonical(v);
