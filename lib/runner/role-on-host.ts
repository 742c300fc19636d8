/**
 * One compiled role on one host, inside a run: through the host's own connection, or, for a role delegated
 * to another host (RoleUse.delegateTo), through that host's, one delegated role at a time there. The host
 * it runs through lends its facts, journal and check-mode writes and counts the round trips; the converged
 * host gets the counts and any failure.
 */
import type { HostDriver } from '../core/driver.js';
import { TransportError } from '../core/errors.js';
import type { Host } from '../core/model.js';
import type { CompiledPlay } from './compile.js';
import type { RunContext } from './context.js';
import { type Counts, runRole } from './role-run.js';

export interface RoleOnHost {
  readonly play: CompiledPlay;
  /** Index of the role in the play (its turn queue's key, with the play's). */
  readonly key: string;
  readonly role: CompiledPlay['roles'][number];
  readonly host: Host;
}

export async function roleOnHost(ctx: RunContext, r: RoleOnHost): Promise<void> {
  const hr = r.role.perHost.get(r.host.name);
  if (!hr || ctx.hosts.state(r.host).done) return;
  if (hr.on) {
    const on = hr.on;
    return ctx.door(on.name)(() => converge(ctx, r, on));
  }
  return converge(ctx, r);
}

/** The role on `r.host`, run through `on`'s connection when it is delegated there. */
async function converge(ctx: RunContext, r: RoleOnHost, on?: Host): Promise<void> {
  const st = ctx.hosts.state(r.host);
  if (st.done) return;
  const through = on ?? r.host;
  const via = ctx.hosts.state(through);
  const hr = r.role.perHost.get(r.host.name)!;
  const t0 = ctx.now();
  let driver: HostDriver | undefined;
  // Counted as each resource is reported, and added in finally: a host that breaks after its apply keeps them.
  const counts: Counts = { ok: 0, changed: 0, failed: 0, skipped: 0 };
  try {
    if (on && via.stats.unreachable) throw new Error(`${on.name}, which the role ${r.role.name} is delegated to, is unreachable`);
    driver = await connect(ctx, through, on !== undefined);
    const rt0 = driver.roundTrips;
    const res = await runRole(
      {
        host: r.host,
        role: r.role.name,
        hr,
        driver,
        cluster: ctx.cluster,
        mode: ctx.opts.mode,
        become: r.play.play.become ?? false,
        ...(via.facts ? { facts: via.facts } : {}),
        earlier: via.writes,
        turn: ctx.turn(r.key),
        verify: ctx.opts.verify === true,
        counts,
        ...(via.journal ? { journal: via.journal } : {}),
        ...(ctx.opts.plan ? { planHook: ctx.opts.plan } : {}),
      },
      ctx.gateDeps,
    );
    via.facts = res.facts;
    if (ctx.opts.mode === 'check') via.writes.push(...res.writes);
    const where = on ? { on: on.name } : {};
    ctx.emit({
      kind: 'role-end',
      host: r.host.name,
      role: r.role.name,
      ms: ctx.now() - t0,
      roundTrips: driver.roundTrips - rt0,
      changed: res.counts.changed,
      ...where,
    });
    if (res.error) ctx.hosts.fail(r.host, res.error);
  } catch (e) {
    if (!(e instanceof TransportError)) ctx.hosts.fail(r.host, e as Error);
    // The host the role was delegated to broke: the converged host fails (it is not itself unreachable).
    else if (on) ctx.hosts.fail(r.host, new Error(`delegated to ${on.name}, which is unreachable: ${e.message}`));
    else ctx.hosts.unreachable(r.host, e);
  } finally {
    // In finally: a host that broke mid-role still made the round trips it made.
    if (driver) via.countTrips(driver);
    st.add(counts, r.role.name, ctx.now() - t0);
  }
}

/** The connection to run through; a delegate that cannot be reached is marked unreachable itself. */
async function connect(ctx: RunContext, host: Host, delegated: boolean): Promise<HostDriver> {
  try {
    return await ctx.hosts.driverOf(host);
  } catch (e) {
    if (delegated && e instanceof TransportError) ctx.hosts.unreachable(host, e);
    throw e;
  }
}
