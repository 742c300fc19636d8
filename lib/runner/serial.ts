/** Serial batches (Ansible's `serial`): split a play's hosts into successive batches. Pure. */
import { ConfigError } from '../core/errors.js';
import type { Serial } from '../dsl/playbook.js';

/** Size of one batch step: a count, or a percentage of all hosts (at least 1). */
function size(step: number | string, total: number, where: string): number {
  const n = typeof step === 'number' ? step : Math.floor((total * Number(step.slice(0, -1))) / 100);
  if (typeof step === 'string' && !/^\d+(\.\d+)?%$/.test(step)) throw new ConfigError(`serial "${step}" is not a count or a percentage`, where);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`serial ${String(step)} must be a whole, positive count`, where);
  return Math.max(1, n);
}

/** Batches in order; the last list entry repeats until every host is placed. */
export function batches<T>(hosts: readonly T[], serial: Serial | undefined, where: string): T[][] {
  if (serial === undefined || hosts.length === 0) return [hosts.slice()];
  const steps = (Array.isArray(serial) ? serial : [serial]) as readonly (number | string)[];
  if (steps.length === 0) return [hosts.slice()];
  const out: T[][] = [];
  for (let at = 0, i = 0; at < hosts.length; i++) {
    const n = size(steps[Math.min(i, steps.length - 1)]!, hosts.length, where);
    out.push(hosts.slice(at, at + n));
    at += n;
  }
  return out;
}
