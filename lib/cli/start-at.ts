/**
 * `--start-at ROLE`: resume a playbook at a role, as after a run that stopped there. The plays before the
 * one that first uses ROLE are left out, and so are the roles before it in that play; batch hooks
 * (beforeBatch/afterBatch, such as cordon and drain) stay, since they guard every batch. Pure.
 */
import { didYouMean } from '../core/did-you-mean.js';
import { ConfigError } from '../core/errors.js';
import type { CompiledPlay } from '../runner/compile.js';

export function startAt(plays: readonly CompiledPlay[], role: string): CompiledPlay[] {
  const at = plays.findIndex((p) => p.roles.some((r) => !r.hook && r.name === role));
  if (at < 0) {
    const names = [...new Set(plays.flatMap((p) => p.roles.filter((r) => !r.hook).map((r) => r.name)))];
    throw new ConfigError(`no play runs a role "${role}" (with these --tags and --limit).${didYouMean(role, names)}`, '--start-at');
  }
  const first = plays[at]!;
  const from = first.roles.findIndex((r) => !r.hook && r.name === role);
  return [{ ...first, roles: first.roles.filter((r, i) => r.hook !== undefined || i >= from) }, ...plays.slice(at + 1)];
}
