/**
 * Pure arithmetic over the runner's stats: totals, per-role times across hosts, and the exit code bits
 * (Ansible's convention: 2 when a host failed, 4 when a host was unreachable; 1 is the CLI's usage error).
 */
import type { HostStats, RunStats } from './events.js';

export const EXIT_FAILED = 2;
export const EXIT_UNREACHABLE = 4;

const failed = (h: HostStats) => h.failed > 0;

/** 0 when every host converged; otherwise the OR of EXIT_FAILED and EXIT_UNREACHABLE. */
export function exitBits(stats: RunStats): number {
  const hosts = Object.values(stats.hosts);
  return (hosts.some(failed) ? EXIT_FAILED : 0) | (hosts.some((h) => h.unreachable) ? EXIT_UNREACHABLE : 0);
}

export interface Totals {
  readonly hosts: number;
  readonly ok: number;
  readonly changed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Hosts, not resources. */
  readonly failedHosts: number;
  readonly unreachable: number;
  readonly roundTrips: number;
}

export function totals(stats: RunStats): Totals {
  const hs = Object.values(stats.hosts);
  const sum = (f: (h: HostStats) => number) => hs.reduce((n, h) => n + f(h), 0);
  return {
    hosts: hs.length,
    ok: sum((h) => h.ok),
    changed: sum((h) => h.changed),
    failed: sum((h) => h.failed),
    skipped: sum((h) => h.skipped),
    failedHosts: hs.filter(failed).length,
    unreachable: hs.filter((h) => h.unreachable).length,
    roundTrips: sum((h) => h.roundTrips),
  };
}

export interface RoleTime {
  readonly role: string;
  /** The slowest host: what the role cost the run's wall time when hosts ran in parallel. */
  readonly maxMs: number;
  readonly sumMs: number;
  readonly hosts: number;
}

/** Time per role over all hosts, slowest (by max) first; ties by name. */
export function roleTimes(stats: RunStats): RoleTime[] {
  const acc = new Map<string, { maxMs: number; sumMs: number; hosts: number }>();
  for (const h of Object.values(stats.hosts)) {
    for (const [role, ms] of Object.entries(h.roleMs)) {
      const t = acc.get(role) ?? { maxMs: 0, sumMs: 0, hosts: 0 };
      acc.set(role, { maxMs: Math.max(t.maxMs, ms), sumMs: t.sumMs + ms, hosts: t.hosts + 1 });
    }
  }
  return [...acc].map(([role, t]) => ({ role, ...t })).sort((a, b) => b.maxMs - a.maxMs || a.role.localeCompare(b.role));
}

/** How a host ended, worst first: it decides the host's colour in the recap and the live area. */
export function hostOutcome(h: HostStats): 'unreachable' | 'failed' | 'changed' | 'ok' {
  return h.unreachable ? 'unreachable' : h.failed > 0 ? 'failed' : h.changed > 0 ? 'changed' : 'ok';
}
