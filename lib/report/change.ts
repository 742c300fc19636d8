/**
 * How one resource's changes read: an inline summary for the change line (`mode 0644 → 0600, content +3 −1`)
 * and, when diffs are shown, the unified diff below it. Values are redacted BEFORE they are cut or diffed,
 * so that a secret can neither be split by clipping nor spread over diff lines where the mask cannot see it.
 */
import type { ChalkInstance } from 'chalk';
import { type Change, changeLabel } from '../core/resource.js';
import { redact } from '../core/secret.js';
import { diffStat, renderPatch, textDiff } from './diff.js';
import { oneLine } from './text.js';

export interface ChangeStyle {
  readonly chalk: ChalkInstance;
  /** Show unified diffs under the line (--diff, or check mode). */
  readonly showDiff: boolean;
  /** Longest before/after value shown inline. */
  readonly maxValue?: number;
}

export interface RenderedChanges {
  readonly inline: string;
  /** Lines to print under the change line, unindented. */
  readonly block: readonly string[];
}

/** A field's new and old values, on one line. */
function beforeAfter(c: Change, s: ChangeStyle): string {
  const v = (x: string) => oneLine(redact(x), s.maxValue ?? (s.showDiff ? 400 : 120));
  const arrow = s.chalk.dim('→');
  if (c.before !== undefined && c.after !== undefined) return `${changeLabel(c)} ${v(c.before)} ${arrow} ${v(c.after)}`;
  if (c.after !== undefined) return `${changeLabel(c)} ${arrow} ${v(c.after)}`;
  if (c.before !== undefined) return `${changeLabel(c)} ${v(c.before)} ${arrow} ${s.chalk.dim('(unset)')}`;
  return `${changeLabel(c)} changed`;
}

/** Every change of a resource; a secret resource says which fields change, never what they hold. */
export function renderChanges(changes: readonly Change[], secret: boolean, s: ChangeStyle): RenderedChanges {
  const inline: string[] = [];
  const block: string[] = [];
  for (const c of changes) {
    if (secret) inline.push(`${changeLabel(c)} changed ${s.chalk.magenta('(secret)')}`);
    else if (c.diff) {
      const d = textDiff(redact(c.diff.before), redact(c.diff.after));
      inline.push(`${changeLabel(c)} ${diffStat(d, s.chalk)}`);
      if (s.showDiff) block.push(...renderPatch(d, { chalk: s.chalk }));
    } else inline.push(beforeAfter(c, s));
  }
  return { inline: inline.join(', '), block };
}

/** Check mode: the note on a would-change whose outcome hangs on earlier would-changes. */
export function dependsNote(dependsOn: readonly string[] | undefined, chalk: ChalkInstance): string {
  if (!dependsOn?.length) return '';
  return chalk.dim(`(depends on earlier change to ${dependsOn.join(', ')} — outcome may differ)`);
}
