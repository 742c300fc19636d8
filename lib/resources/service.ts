/**
 * service: a systemd service enabled (or not) and started (or stopped); `restart(name)` and `reload(name)`
 * give the actions a role handler runs.
 */
import type { Action, HostFacts, UnitState } from '../core/ops.js';
import { q } from '../core/ops.js';
import type { Change } from '../core/resource.js';
import { defineResource, type Resource } from '../core/resource.js';
import { meta, type Common } from './common.js';
import { unitName } from './unit.js';

export interface ServiceOptions extends Common {
  readonly name: string;
  readonly enabled?: boolean;
  readonly state?: 'started' | 'stopped';
}

/** UnitFileStates that start at boot, or need no enabling (static units are pulled in by others). */
const ENABLED = new Set(['enabled', 'enabled-runtime', 'static', 'generated', 'alias', 'indirect']);
const ON = new Set(['enabled', 'enabled-runtime']);
const RUNNING = new Set(['active', 'activating', 'reloading']);

function requireSystemd(facts: HostFacts, name: string): void {
  if (facts.init !== 'systemd') throw new Error(`service ${name}: the host does not run systemd (PID 1 is not systemd)`);
}

export function service(o: ServiceOptions): Resource<[UnitState]> {
  const name = unitName(o.name);
  const state = o.state ?? 'started';
  return defineResource<[UnitState]>({
    ...meta(`service:${name}`, o, [`unit:${name}`, `service:${name}`], [`service:${name}`]),
    queries: [q.unit(name)],
    check([u], facts) {
      requireSystemd(facts, name);
      const out: Change[] = [];
      if (o.enabled === true && !ENABLED.has(u.enabled)) out.push({ field: 'enabled', before: u.enabled || u.load, after: 'enabled' });
      if (o.enabled === false && ON.has(u.enabled)) out.push({ field: 'enabled', before: u.enabled, after: 'disabled' });
      const running = RUNNING.has(u.active);
      if (state === 'started' && !running) out.push({ field: 'state', before: u.load === 'not-found' ? 'not-found' : u.active, after: 'started' });
      if (state === 'stopped' && running) out.push({ field: 'state', before: u.active, after: 'stopped' });
      return out;
    },
    apply(_a, _f, changes) {
      const out: Action[] = [];
      const verb = (field: string) => changes.find((c) => c.field === field)?.after;
      if (verb('enabled')) out.push({ a: 'systemctl', verb: verb('enabled') === 'enabled' ? 'enable' : 'disable', unit: name });
      if (verb('state')) out.push({ a: 'systemctl', verb: verb('state') === 'started' ? 'start' : 'stop', unit: name });
      return out;
    },
  });
}

/** Handler actions: restart the service. */
export const restart = (name: string): readonly Action[] => [{ a: 'systemctl', verb: 'restart', unit: unitName(name) }];

/** Handler actions: reload the service's configuration without a restart. */
export const reload = (name: string): readonly Action[] => [{ a: 'systemctl', verb: 'reload', unit: unitName(name) }];
