/**
 * /etc/fstab: every active swap line commented out, so swap stays off after a reboot. A small resource of
 * its own because `line` writes one fixed line and cannot keep each swap line's text behind a `#`.
 */
import { defineResource, q, type Change } from '../../lib/index.js';

const PATH = '/etc/fstab';
const LIMIT = 1024 * 1024;

/** An fstab entry (not a comment) whose third field, the type, is swap. */
const isSwap = (l: string): boolean => !l.trimStart().startsWith('#') && l.trim().split(/\s+/)[2] === 'swap';

/** The text with swap entries commented out; everything else byte for byte. Pure. */
export const commentOutSwap = (text: string): string =>
  text
    .split('\n')
    .map((l) => (isSwap(l) ? `# ${l}` : l))
    .join('\n');

export function fstabNoSwap() {
  return defineResource({
    id: `fstab:${PATH}:swap`,
    reads: [`path:${PATH}`],
    writes: [`path:${PATH}`],
    queries: [q.file(PATH, { content: LIMIT })],
    check([have]) {
      if (!have.exists) return [];
      if (have.content === undefined) throw new Error(`${PATH} is larger than ${LIMIT} bytes`);
      const after = commentOutSwap(have.content);
      return after === have.content ? [] : [{ field: 'content', diff: { before: have.content, after } } satisfies Change];
    },
    apply: ([have]) => [{ a: 'write', path: PATH, content: commentOutSwap(have.content ?? '') }],
  });
}
