/**
 * A restart (or reload) a handler asks for is pointless when this very apply started the unit after the
 * last change that notified the handler: the unit already runs with the new files. Dropping it saves a
 * restart of every service on a first install (and, for a rolling role like etcd, a round of restarts).
 * Not when a package or command ran before the start in the same apply: installing a package may start
 * its service with the old files already, and `start` on a running unit does nothing.
 */
import type { Action, HostFacts } from '../core/ops.js';
import type { Handler } from '../core/resource.js';
import type { Applied } from './pass.js';

/** The notified handlers' actions without restarts and reloads of units started after their last notifier. */
export function withoutFreshRestarts(handlers: Readonly<Record<string, Handler>>, notified: readonly string[], applied: Applied, facts: HostFacts): Record<string, Handler> {
  const changed = applied.outcomes.filter((o) => o.outcome === 'changed').map((o) => o.planned);
  const startedAt = new Map<string, number>();
  let opaque = false;
  changed.forEach((p, i) => {
    for (const a of p.resource.apply(p.answers, facts, p.changes)) {
      if (a.a === 'package' || a.a === 'command') opaque = true;
      if (a.a === 'systemctl' && a.verb === 'start' && a.unit && !opaque) startedAt.set(a.unit, i);
    }
  });
  const out: Record<string, Handler> = {};
  for (const name of notified) {
    const last = Math.max(-1, ...changed.flatMap((p, i) => (p.resource.notify?.includes(name) ? [i] : [])));
    const fresh = (a: Action) => a.a === 'systemctl' && (a.verb === 'restart' || a.verb === 'reload') && a.unit !== undefined && (startedAt.get(a.unit) ?? -1) > last;
    const kept = (handlers[name] ?? []).filter((a) => !fresh(a));
    if (kept.length > 0) out[name] = kept;
  }
  return out;
}
