/**
 * A restart (or reload) a handler asks for is pointless when this very apply started the unit after the
 * last change that notified the handler: the unit already runs with the new files. Dropping it saves a
 * restart of every service on a first install (and, for a rolling role like etcd, a round of restarts).
 * Not when a package or command ran before the start in the same apply: installing a package may start
 * its service with the old files already, and `start` on a running unit does nothing. A handler pending
 * from an earlier run (the host's journal) counts as notified before this apply's first change.
 */
import type { Action, HostFacts } from '../core/ops.js';
import type { Handler } from '../core/resource.js';
import type { Applied, Planned } from './pass.js';

/** Follows an apply change by change, in order: which handlers are notified, and which need doing. */
export class FreshStarts {
  readonly #startedAt = new Map<string, number>();
  /** Handler name -> index of its last notifier (-1: pending from an earlier run). */
  readonly #last = new Map<string, number>();
  #opaque = false;
  #at = 0;

  constructor(
    private readonly handlers: Readonly<Record<string, Handler>>,
    private readonly facts: HostFacts,
    pending: readonly string[] = [],
  ) {
    for (const h of pending) this.#last.set(h, -1);
  }

  /** The next change that ran (or will run); returns the handlers it made needless (all their work fresh). */
  step(p: Planned): string[] {
    const i = this.#at++;
    const before = new Set(this.needless());
    for (const h of p.resource.notify ?? []) this.#last.set(h, i);
    for (const a of p.resource.apply(p.answers, this.facts, p.changes)) {
      if (a.a === 'package' || a.a === 'command') this.#opaque = true;
      if (a.a === 'systemctl' && a.verb === 'start' && a.unit && !this.#opaque) this.#startedAt.set(a.unit, i);
    }
    return this.needless().filter((h) => !before.has(h));
  }

  /** Notified handlers, in notification order. */
  notified(): string[] {
    return [...this.#last.keys()];
  }

  /** The notified handlers' actions without restarts and reloads of units started after their last notifier. */
  needed(): Record<string, Handler> {
    const out: Record<string, Handler> = {};
    for (const name of this.#last.keys()) {
      const kept = this.#kept(name);
      if (kept.length > 0) out[name] = kept;
    }
    return out;
  }

  #kept(name: string): Handler {
    const last = this.#last.get(name) ?? -1;
    const fresh = (a: Action) =>
      a.a === 'systemctl' && (a.verb === 'restart' || a.verb === 'reload') && a.unit !== undefined && (this.#startedAt.get(a.unit) ?? -1) > last;
    return (this.handlers[name] ?? []).filter((a) => !fresh(a));
  }

  needless(): string[] {
    return this.notified().filter((h) => h in this.handlers && this.#kept(h).length === 0);
  }
}

/** The notified handlers' actions without restarts and reloads of units started after their last notifier. */
export function withoutFreshRestarts(
  handlers: Readonly<Record<string, Handler>>,
  notified: readonly string[],
  applied: Applied,
  facts: HostFacts,
): Record<string, Handler> {
  const f = new FreshStarts(handlers, facts, notified);
  for (const o of applied.outcomes) if (o.outcome === 'changed') f.step(o.planned);
  return f.needed();
}
