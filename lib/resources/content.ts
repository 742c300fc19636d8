/**
 * Whole-file content: what to ask the host and how to tell what changed. Text under 64 KiB is fetched and
 * diffed (the reporter shows a unified diff); anything else - bytes, big text, secrets - is compared by
 * size and sha256, so the controller never needs the old bytes.
 */
import { createHash } from 'node:crypto';
import type { FileState } from '../core/ops.js';
import { q, type TypedQuery } from '../core/ops.js';
import type { Change } from '../core/resource.js';
import { Secret } from '../core/secret.js';
import { checkText } from './common.js';

export const TEXT_LIMIT = 64 * 1024;

export type Content = string | Uint8Array | Secret;

export interface Wanted {
  readonly bytes: Uint8Array;
  /** The text, when it is small text to diff. */
  readonly text?: string;
  readonly sha256: string;
  readonly secret: boolean;
}

export const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/** What the resource wants on disk; a Secret or `secret: true` is never diffed. */
export function wanted(content: Content, secret = false, what = 'content'): Wanted {
  const isSecret = secret || content instanceof Secret;
  const raw = content instanceof Secret ? content.reveal() : content;
  if (typeof raw === 'string') checkText(what, raw);
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const diffable = typeof raw === 'string' && !isSecret && bytes.length < TEXT_LIMIT;
  return { bytes, sha256: sha256(bytes), secret: isSecret, ...(diffable ? { text: raw } : {}) };
}

/** Small text: the old content comes back to diff; anything else: its hash. */
export const contentQuery = (path: string, w: Wanted): TypedQuery<FileState> =>
  w.text !== undefined ? q.file(path, { content: TEXT_LIMIT }) : q.file(path, { sha256: true });

const size = (n: number) => `${n} bytes`;

/** The content change, if any, between `have` and `w`. */
export function contentChange(have: FileState, w: Wanted): Change | undefined {
  if (!have.exists)
    return w.secret
      ? { field: 'content' }
      : w.text !== undefined
        ? { field: 'content', diff: { before: '', after: w.text } }
        : { field: 'content', after: `sha256:${w.sha256}` };
  if (w.text !== undefined) {
    if (have.content === w.text) return undefined;
    if (have.content !== undefined) return { field: 'content', diff: { before: have.content, after: w.text } };
    return { field: 'content', before: size(have.size ?? 0), after: size(w.bytes.length) };
  }
  if (have.size === w.bytes.length && have.sha256 === w.sha256) return undefined;
  return w.secret ? { field: 'content' } : { field: 'content', ...(have.sha256 ? { before: `sha256:${have.sha256}` } : {}), after: `sha256:${w.sha256}` };
}
