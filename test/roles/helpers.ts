/**
 * Glue for role tests: a small inventory built and validated like the CLI does, a role's vars merged like
 * the runner does (defaults < inventory < play overrides < -e, then the role's schema), its resources
 * and handlers for one host, and a one-role run through the runner's own role loop (plan, apply,
 * notified handlers) on a FakeHost.
 */
import type { Cluster, Host } from '../../lib/core/model.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import type { AnyResource, Handler } from '../../lib/core/resource.js';
import type { Role } from '../../lib/dsl/role.js';
import { buildInventory, validateInventory, type Inventory } from '../../lib/inventory/index.js';
import type { RunEvent } from '../../lib/report/events.js';
import { runRole, type RoleResult } from '../../lib/runner/role-run.js';
import { roleVars } from '../../lib/runner/vars.js';
import { prepareContext, type FakeHost } from '../../lib/testing/index.js';

/** A small HA cluster: two LBs with a VIP, one control-plane+etcd host, one worker. */
export const SMALL: InventorySpec = {
  hosts: {
    'lb-1': { address: '10.0.0.11' },
    'lb-2': { address: '10.0.0.12' },
    'master-1': { address: '10.0.0.21' },
    'worker-1': { address: '10.0.0.31' },
  },
  groups: {
    lb: { hosts: ['lb-1', 'lb-2'], vars: { vip: '10.0.0.10', apiserver_port: 6443 } },
    etcd: { hosts: ['master-1'] },
    masters: { hosts: ['master-1'] },
    workers: { hosts: ['worker-1'] },
    k8s: { children: ['masters', 'workers'] },
  },
  vars: { pod_cidr: '10.244.0.0/16', service_cidr: '10.96.0.0/12', cluster_domain: 'cluster.local' },
};

export function inventory(spec: InventorySpec = SMALL): Inventory {
  return buildInventory(validateInventory(spec, 'test inventory'));
}

export function hostOf(inv: Inventory, name: string): Host {
  const h = inv.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`no host ${name} in the test inventory`);
  return h;
}

type Vars = Record<string, unknown>;

/** Merged, schema-checked vars for `host`, exactly as the runner computes them. */
export function varsFor<V extends object>(role: Role<V>, host: Host, overrides: Vars = {}, extra: Readonly<Record<string, string>> = {}): V {
  return roleVars(role as unknown as Role<object>, host, overrides, extra) as V;
}

export interface ForHost<V extends object> {
  readonly host: Host;
  readonly cluster: Cluster;
  readonly vars: V;
  readonly resources: readonly AnyResource[];
  readonly handlers: Readonly<Record<string, Handler>>;
}

/** What the role builds for one host of the inventory. */
export function forHost<V extends object>(
  role: Role<V>,
  name: string,
  opts: { inv?: Inventory; overrides?: Vars; extra?: Record<string, string> } = {},
): ForHost<V> {
  const inv = opts.inv ?? inventory();
  const host = hostOf(inv, name);
  const vars = varsFor(role, host, opts.overrides, opts.extra);
  return { host, cluster: inv.cluster, vars, resources: role.resources(vars, host, inv.cluster), handlers: role.handlers?.(vars, host, inv.cluster) ?? {} };
}

export interface RoleRunResult extends RoleResult {
  readonly events: readonly RunEvent[];
  /** Handlers that ran (or would run in check mode), in order. */
  readonly handlers: readonly string[];
}

/** Run the role on a fake host the way the runner does: prepare, one plan, one apply, then notified handlers. */
export async function runOn<V extends object>(
  fake: FakeHost,
  role: Role<V>,
  name: string,
  opts: { inv?: Inventory; overrides?: Vars; mode?: 'apply' | 'check' } = {},
): Promise<RoleRunResult> {
  const r = forHost(role, name, opts);
  // Controller-side preparation first (artifacts, the PKI), as the CLI does before any host is touched.
  const ctx = prepareContext(opts.mode ?? 'apply');
  for (const res of r.resources) await res.prepare?.(ctx);
  const events: RunEvent[] = [];
  const hr = { vars: r.vars as Vars, resources: r.resources, handlers: r.handlers, gates: [] };
  const res = await runRole(
    { host: r.host, role: role.name, hr, driver: fake, cluster: r.cluster, mode: opts.mode ?? 'apply', become: false },
    { emit: (e) => events.push(e), sleep: async () => {} },
  );
  const handlers = events.flatMap((e) => (e.kind === 'handler' ? [e.handler] : []));
  return { ...res, events, handlers };
}
