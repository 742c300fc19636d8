/**
 * The load balancer that is not chosen (lb_implementation), stopped and disabled where tsplay had set it up:
 * its config file carries tsplay's "Managed by tsplay (role ...)" line. A haproxy or nginx that serves
 * something else on the host (its config is not ours) is left alone; an absent one is nothing to do.
 * It comes before the chosen one starts: both would bind the API port.
 */
import { defineResource, q, TEXT_LIMIT, unitName, type AnyResource } from '../../lib/index.js';

export interface RetireOptions {
  /** The other load balancer's unit (haproxy, nginx). */
  readonly unit: string;
  /** Its config file, as tsplay renders it. */
  readonly config: string;
  /** The line that says tsplay wrote it. */
  readonly marker: string;
}

const ON = new Set(['enabled', 'enabled-runtime']);
const RUNNING = new Set(['active', 'activating', 'reloading']);

export function retiredLb(o: RetireOptions): AnyResource {
  const name = unitName(o.unit);
  return defineResource({
    id: `retired:${name}`,
    reads: [`path:${o.config}`, `unit:${name}`, `service:${name}`],
    writes: [`service:${name}`],
    queries: [q.file(o.config, { content: TEXT_LIMIT }), q.unit(name)],
    check([f, u]) {
      if (!f.exists || !f.content?.includes(o.marker)) return [];
      return [
        ...(ON.has(u.enabled) ? [{ field: 'enabled', before: u.enabled, after: 'disabled' }] : []),
        ...(RUNNING.has(u.active) ? [{ field: 'state', before: u.active, after: 'stopped' }] : []),
      ];
    },
    apply(_a, _f, changes) {
      const has = (field: string) => changes.some((c) => c.field === field);
      return [
        ...(has('enabled') ? [{ a: 'systemctl' as const, verb: 'disable' as const, unit: name }] : []),
        ...(has('state') ? [{ a: 'systemctl' as const, verb: 'stop' as const, unit: name }] : []),
      ];
    },
  });
}
