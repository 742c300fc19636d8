/**
 * The live view's model: where each host is (waiting, in a role, between roles, failed, unreachable) and
 * its counts, updated per event in O(1), rendered on demand as at most `height` status lines. Pure.
 */
import type { ChalkInstance } from 'chalk';
import type { RunEvent } from './events.js';
import { clock, oneLine } from './text.js';

type Phase = 'waiting' | 'running' | 'idle' | 'failed' | 'unreachable';

interface HostLine {
  readonly name: string;
  readonly order: number;
  phase: Phase;
  role: string;
  since: number;
  ok: number;
  changed: number;
  failed: number;
  note: string;
}

// Which hosts get the rows when there are more hosts than rows: busy ones first, then trouble.
const PRIORITY: Record<Phase, number> = { running: 0, failed: 1, unreachable: 1, waiting: 2, idle: 3 };

export class Progress {
  readonly #hosts = new Map<string, HostLine>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  update(e: RunEvent): void {
    if (e.kind === 'run-start')
      for (const [order, name] of e.hosts.entries())
        this.#hosts.set(name, { name, order, phase: 'waiting', role: '', since: 0, ok: 0, changed: 0, failed: 0, note: '' });
    else if (e.kind === 'role-start') for (const h of e.hosts) this.#enter(h, e.role);
    else if (e.kind === 'resource') {
      const h = this.#enter(e.host, e.role);
      if (h && e.status !== 'skipped') h[e.status === 'would-change' ? 'changed' : e.status]++;
    } else if (e.kind === 'gate') {
      const h = this.#enter(e.host, e.role);
      if (h) h.note = e.status === 'retry' ? `gate ${e.gate}: attempt ${e.attempt + 1}` : '';
    } else if (e.kind === 'handler') this.#enter(e.host, e.role);
    else if (e.kind === 'role-end' && this.#hosts.get(e.host)?.phase === 'running') this.#set(e.host, { phase: 'idle', note: '' });
    else if (e.kind === 'host-failed') this.#set(e.host, { phase: 'failed', note: oneLine(e.error) });
    else if (e.kind === 'unreachable') this.#set(e.host, { phase: 'unreachable', note: oneLine(e.error) });
  }

  /** Status lines, one per host, at most `height` (the last one then summarises the hosts left out). */
  frame(height: number, c: ChalkInstance): string[] {
    const all = [...this.#hosts.values()];
    if (all.length === 0 || height < 1) return [];
    const fits = all.length <= height;
    const shown = fits
      ? all
      : [...all]
          .sort((a, b) => PRIORITY[a.phase] - PRIORITY[b.phase] || a.order - b.order)
          .slice(0, height - 1)
          .sort((a, b) => a.order - b.order);
    const nameW = Math.max(...shown.map((h) => h.name.length));
    const roleW = Math.max(...shown.map((h) => h.role.length));
    const lines = shown.map((h) => this.#line(h, nameW, roleW, c));
    return fits ? lines : [...lines, c.dim(this.#rest(all, new Set(shown)))];
  }

  #line(h: HostLine, nameW: number, roleW: number, c: ChalkInstance): string {
    const sym = { waiting: c.dim('·'), running: c.cyan('●'), idle: c.green('✓'), failed: c.red('✗'), unreachable: c.red('⊘') }[h.phase];
    if (h.phase === 'waiting' && !h.role) return `${sym} ${h.name.padEnd(nameW)}  ${c.dim('waiting')}`;
    const time = h.phase === 'running' ? clock(this.#now() - h.since) : '';
    const counts = [`ok ${h.ok}`, h.changed ? c.yellow(`changed ${h.changed}`) : '', h.failed ? c.red(`failed ${h.failed}`) : ''].filter(Boolean).join(' · ');
    const note = h.note ? (h.phase === 'running' ? c.yellow(h.note) : c.red(h.note)) : '';
    return [`${sym} ${h.name.padEnd(nameW)}`, h.role.padEnd(roleW), time.padStart(5), counts, note].join('  ').trimEnd();
  }

  #rest(all: readonly HostLine[], shown: ReadonlySet<HostLine>): string {
    const count = new Map<Phase, number>();
    for (const h of all) if (!shown.has(h)) count.set(h.phase, (count.get(h.phase) ?? 0) + 1);
    const parts = (['running', 'waiting', 'idle', 'failed', 'unreachable'] as const)
      .filter((p) => count.get(p))
      .map((p) => `${count.get(p)} ${p === 'idle' ? 'between roles' : p}`);
    return `  … ${all.length - shown.size} more hosts: ${parts.join(', ')}`;
  }

  /** The host is now working on `role` (a new role restarts its clock). */
  #enter(name: string, role: string): HostLine | undefined {
    const h = this.#hosts.get(name);
    if (!h || h.phase === 'failed' || h.phase === 'unreachable') return h;
    if (h.role !== role || h.phase !== 'running') Object.assign(h, { role, phase: 'running', since: this.#now() });
    return h;
  }

  #set(name: string, patch: Partial<HostLine>): void {
    const h = this.#hosts.get(name);
    if (h) Object.assign(h, patch);
  }
}
