/**
 * Shared helpers for the runner's tests: an inventory of fake hosts, tiny roles, a recording reporter,
 * a driver wrapper that counts what is in flight, and `runWith` (compile + runPlaybook over FakeHosts).
 */
import type { ExecOptions, ExecResult } from '../../lib/core/connection.js';
import type { ActOptions, ActResult, HostDriver } from '../../lib/core/driver.js';
import type { Host } from '../../lib/core/model.js';
import type { Action, Query } from '../../lib/core/ops.js';
import type { AnyResource, Change } from '../../lib/core/resource.js';
import { defineResource } from '../../lib/core/resource.js';
import { defineRole, type Gate, type Role } from '../../lib/dsl/role.js';
import type { Playbook } from '../../lib/dsl/playbook.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import { buildInventory, selector, validateInventory, type Inventory } from '../../lib/inventory/index.js';
import type { Mode, Reporter, RunEvent, RunStats } from '../../lib/report/events.js';
import { file } from '../../lib/resources/index.js';
import { compile, type CompiledPlay, type CompileOptions } from '../../lib/runner/compile.js';
import { runPlaybook, type RunDeps } from '../../lib/runner/run.js';
import { FakeHost } from '../../lib/testing/index.js';

/** An inventory of fake-transport hosts with addresses 10.0.0.1.., validated like a real one. */
export function inventory(
  names: readonly string[],
  more: Omit<InventorySpec, 'hosts'> & { hostVars?: Record<string, Record<string, unknown>> } = {},
): Inventory {
  const { hostVars, ...rest } = more;
  const hosts = Object.fromEntries(
    names.map((n, i) => [n, { address: `10.0.0.${i + 1}`, transport: 'fake', ...(hostVars?.[n] ? { vars: hostVars[n] } : {}) }]),
  );
  return buildInventory(validateInventory({ ...rest, hosts }, 'test-inventory'));
}

/** One Debian FakeHost per name. */
export const fleet = (names: readonly string[]): Map<string, FakeHost> => new Map(names.map((n) => [n, FakeHost.debian(n)]));

/** Every event, in order, with typed filters. */
export class Recorder implements Reporter {
  readonly events: RunEvent[] = [];
  emit(e: RunEvent): void {
    this.events.push(e);
  }
  of<K extends RunEvent['kind']>(kind: K): Extract<RunEvent, { kind: K }>[] {
    return this.events.filter((e): e is Extract<RunEvent, { kind: K }> => e.kind === kind);
  }
  /** `host role resource status` lines for resource events: compact for deepEqual. */
  resources(): string[] {
    return this.of('resource').map((e) => `${e.host} ${e.role} ${e.resource} ${e.status}`);
  }
}

/** A role of plain files: `{ '/etc/a': 'x' }`; the content may be a function of the vars and host. */
export function fileRole(
  name: string,
  files: Readonly<Record<string, string>>,
  extra: { tags?: string[]; handlers?: Record<string, readonly Action[]>; notify?: Record<string, string>; verify?: Gate<object>[] } = {},
): Role<object> {
  return defineRole<object>({
    name,
    ...(extra.tags ? { tags: extra.tags } : {}),
    defaults: {},
    resources: () => Object.entries(files).map(([path, content]) => file({ path, content, ...(extra.notify?.[path] ? { notify: extra.notify[path] } : {}) })),
    ...(extra.handlers ? { handlers: () => extra.handlers! } : {}),
    ...(extra.verify ? { verify: extra.verify } : {}),
  });
}

/** A resource with no queries whose check returns `changes` (as given), applying `actions`. */
export function fake(
  id: string,
  changes: readonly Change[],
  actions: readonly Action[] = [],
  more: Partial<Pick<AnyResource, 'tags' | 'notify' | 'secret' | 'reads' | 'writes'>> = {},
): AnyResource {
  return defineResource<[]>({ id, ...more, queries: [], check: () => changes, apply: () => actions });
}

/** Counts calls in flight over every driver that shares it. */
export class Tracker {
  inFlight = 0;
  max = 0;
  /** `host op` per call start, in order. */
  readonly starts: string[] = [];
}

/** Let other promise chains run: a few turns of the event loop, no timers. */
export async function ticks(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
}

/**
 * A HostDriver around a FakeHost that reports calls to a Tracker, yields the event loop `delay` times
 * inside each call (so concurrent hosts overlap), and may await `hold()` before each call.
 */
export class Probe implements HostDriver {
  constructor(
    readonly inner: HostDriver,
    readonly tracker = new Tracker(),
    readonly opts: { delay?: number; hold?: (op: string) => Promise<void> | void; fail?: (op: string, n: number) => Error | undefined } = {},
  ) {}
  #calls = 0;
  get host(): string {
    return this.inner.host;
  }
  get roundTrips(): number {
    return this.inner.roundTrips;
  }
  async #around<T>(op: string, f: () => Promise<T>): Promise<T> {
    const n = ++this.#calls;
    await this.opts.hold?.(op);
    const t = this.tracker;
    t.starts.push(`${this.host} ${op}`);
    t.inFlight++;
    t.max = Math.max(t.max, t.inFlight);
    try {
      await ticks(this.opts.delay ?? 0);
      const err = this.opts.fail?.(op, n);
      if (err) throw err;
      return await f();
    } finally {
      t.inFlight--;
    }
  }
  query(queries: readonly Query[], opts?: ActOptions): Promise<unknown[]> {
    return this.#around('query', () => this.inner.query(queries, opts));
  }
  act(groups: readonly (readonly Action[])[], opts?: ActOptions): Promise<ActResult> {
    return this.#around('act', () => this.inner.act(groups, opts));
  }
  exec(command: string, opts?: ExecOptions): Promise<ExecResult> {
    return this.#around('exec', () => this.inner.exec(command, opts));
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

export interface RunWith {
  readonly drivers: ReadonlyMap<string, HostDriver>;
  readonly mode?: Mode;
  readonly forks?: number;
  readonly tags?: readonly string[];
  readonly skipTags?: readonly string[];
  readonly limit?: string;
  readonly extraVars?: Readonly<Record<string, string>>;
  readonly sleep?: (ms: number) => Promise<void>;
  /** The clock (default: always 0). */
  readonly now?: () => number;
  /** Replaces the default connect (which hands out `drivers` and counts calls). */
  readonly connect?: (host: Host) => Promise<HostDriver>;
  readonly lockTimeoutMs?: number;
}

export interface Ran {
  readonly stats: RunStats;
  readonly rec: Recorder;
  readonly plays: CompiledPlay[];
  /** connect() calls per host name. */
  readonly connects: Map<string, number>;
}

export function compileWith(pb: Playbook, inv: Inventory, o: Partial<CompileOptions> = {}): CompiledPlay[] {
  return compile(pb, selector(inv), { tags: o.tags ?? [], skipTags: o.skipTags ?? [], extraVars: o.extraVars ?? {}, ...(o.limit ? { limit: o.limit } : {}) });
}

/** Compile and run `pb` on `inv`, each host on its driver; sleep never waits (and is recorded if given). */
export async function runWith(pb: Playbook, inv: Inventory, o: RunWith): Promise<Ran> {
  const plays = compileWith(pb, inv, {
    ...(o.tags ? { tags: o.tags } : {}),
    ...(o.skipTags ? { skipTags: o.skipTags } : {}),
    ...(o.extraVars ? { extraVars: o.extraVars } : {}),
    ...(o.limit ? { limit: o.limit } : {}),
  });
  const rec = new Recorder();
  const connects = new Map<string, number>();
  const deps: RunDeps = {
    reporter: rec,
    sleep: o.sleep ?? (async () => {}),
    now: o.now ?? (() => 0),
    connect: async (host) => {
      connects.set(host.name, (connects.get(host.name) ?? 0) + 1);
      if (o.connect) return o.connect(host);
      const d = o.drivers.get(host.name);
      if (!d) throw new Error(`test: no driver for ${host.name}`);
      return d;
    },
  };
  const stats = await runPlaybook(
    plays,
    inv.cluster,
    {
      playbook: pb.name,
      mode: o.mode ?? 'apply',
      diff: false,
      ...(o.forks ? { forks: o.forks } : {}),
      ...(o.lockTimeoutMs !== undefined ? { lockTimeoutMs: o.lockTimeoutMs } : {}),
    },
    deps,
  );
  return { stats, rec, plays, connects };
}

/** Host names per compiled role, for compact assertions. */
export const perHost = (plays: readonly CompiledPlay[]): Record<string, string[]>[] =>
  plays.map((p) => Object.fromEntries(p.roles.map((r) => [r.name, [...r.perHost.keys()]])));
