/**
 * Unified diffs for text changes, coloured: pure over (before, after). Bounded in work (jsdiff's
 * maxEditLength) and in output (maxLines) so that a huge or wholly rewritten file cannot stall a run.
 */
import { createRequire } from 'node:module';
import type { ChalkInstance } from 'chalk';
import type { StructuredPatch } from 'diff';

// Loaded on the first diff: a run where nothing changed never needs it (it is 19 modules to load).
let loaded: typeof import('diff') | undefined;
const jsdiff = () => (loaded ??= createRequire(import.meta.url)('diff') as typeof import('diff'));

export interface DiffOptions {
  readonly chalk: ChalkInstance;
  /** Unchanged lines shown around each change. */
  readonly context?: number;
  /** Diff lines shown at most; the rest is counted. */
  readonly maxLines?: number;
}

/**
 * Beyond this many inserted + deleted lines, or this much time, the diff is not computed: Myers' cost is
 * O(lines × edits) and it runs on the controller's event loop, between the hosts' events.
 */
const MAX_EDIT = 2000;
const MAX_MS = 200;

export interface TextDiff {
  readonly added: number;
  readonly removed: number;
  /** Undefined when the texts were too different (or binary) to diff. */
  readonly patch?: StructuredPatch;
}

/** The patch between two texts and how many lines it adds and removes. */
export function textDiff(before: string, after: string, context = 3): TextDiff {
  const lines = (s: string) => (s === '' ? 0 : s.split('\n').length - (s.endsWith('\n') ? 1 : 0));
  if (before.includes('\0') || after.includes('\0')) return { added: lines(after), removed: lines(before) };
  const patch = jsdiff().structuredPatch('before', 'after', before, after, undefined, undefined, { context, maxEditLength: MAX_EDIT, timeout: MAX_MS });
  if (!patch) return { added: lines(after), removed: lines(before) };
  let added = 0;
  let removed = 0;
  for (const h of patch.hunks) for (const l of h.lines) l[0] === '+' ? added++ : l[0] === '-' ? removed++ : 0;
  return { added, removed, patch };
}

/** `+3 −1`, coloured. */
export function diffStat(d: TextDiff, chalk: ChalkInstance): string {
  return [d.added ? chalk.green(`+${d.added}`) : '', d.removed ? chalk.red(`−${d.removed}`) : ''].filter(Boolean).join(' ') || 'whitespace only';
}

/** The diff between two texts as coloured unified-diff lines. */
export const renderDiff = (before: string, after: string, opts: DiffOptions): string[] => renderPatch(textDiff(before, after, opts.context ?? 3), opts);

/** A computed diff as coloured unified-diff lines (`--- before`, `+++ after`, `@@ … @@`, `-`, `+`, ` `). */
export function renderPatch(d: TextDiff, opts: DiffOptions): string[] {
  const { chalk } = opts;
  if (!d.patch) return [chalk.dim(`(too different or binary to diff: ${d.removed} → ${d.added} lines)`)];
  const out = [chalk.red('--- before'), chalk.green('+++ after')];
  for (const h of d.patch.hunks) {
    // An empty side names the line before it, as diff(1) and jsdiff's formatPatch print it.
    const start = (at: number, n: number) => `${n === 0 ? at - 1 : at},${n}`;
    out.push(chalk.cyan(`@@ -${start(h.oldStart, h.oldLines)} +${start(h.newStart, h.newLines)} @@`));
    for (const l of h.lines) out.push(l[0] === '+' ? chalk.green(l) : l[0] === '-' ? chalk.red(l) : l[0] === '\\' ? chalk.dim(l) : l);
  }
  const max = opts.maxLines ?? 400;
  return out.length > max ? [...out.slice(0, max), chalk.dim(`… ${out.length - max} more diff lines`)] : out;
}
