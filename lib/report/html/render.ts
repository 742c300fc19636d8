/**
 * Pure rendering: timed events -> one self-contained HTML page (inline CSS, no script, no network).
 * Sections: hosts x roles timeline (gates and retries marked), changes with diffs, failures, totals.
 */
import { Chalk } from 'chalk';
import { changeLabel } from '../../core/resource.js';
import { renderDiff } from '../diff.js';
import type { RunEvent } from '../events.js';
import { esc } from './escape.js';
import type { Timed } from './record.js';

interface Bar {
  host: string;
  role: string;
  start: number;
  end?: number;
  gates: string[];
  retries: number;
  failed: boolean;
  roundTrips?: number;
}

const plain = new Chalk({ level: 0 });

function timeline(events: readonly Timed[]): { bars: Bar[]; t0: number; t1: number } {
  const bars: Bar[] = [];
  const open = new Map<string, Bar>();
  const t0 = events[0]?.at ?? 0;
  const t1 = events.at(-1)?.at ?? t0;
  for (const { at, event: e } of events) {
    if (e.kind === 'role-start') {
      for (const host of e.hosts) {
        const b: Bar = { host, role: e.role, start: at, gates: [], retries: 0, failed: false };
        bars.push(b);
        open.set(`${host}\0${e.role}`, b);
      }
    } else if (e.kind === 'role-end') {
      const b = open.get(`${e.host}\0${e.role}`);
      if (b) Object.assign(b, { end: at, roundTrips: e.roundTrips });
    } else if (e.kind === 'gate') {
      const b = open.get(`${e.host}\0${e.role}`);
      if (b) {
        if (e.status === 'retry') b.retries++;
        else b.gates.push(`${e.gate}: ${e.status}`);
        if (e.status === 'failed') b.failed = true;
      }
    } else if (e.kind === 'unreachable' || e.kind === 'host-failed') {
      for (const b of bars) if (b.host === e.host && b.end === undefined) b.failed = true;
    } else if ((e.kind === 'resource' || e.kind === 'handler') && e.status === 'failed') {
      const b = open.get(`${e.host}\0${e.role}`);
      if (b) b.failed = true;
    }
  }
  return { bars, t0, t1 };
}

function timelineHtml(events: readonly Timed[]): string {
  const { bars, t0, t1 } = timeline(events);
  const span = Math.max(1, t1 - t0);
  const hosts = [...new Set(bars.map((b) => b.host))];
  const rows = hosts.map((host) => {
    const cells = bars
      .filter((b) => b.host === host)
      .map((b) => {
        const left = ((b.start - t0) / span) * 100;
        const width = Math.max(0.5, (((b.end ?? t1) - b.start) / span) * 100);
        const marks = [b.gates.length ? `gates ${b.gates.join(', ')}` : '', b.retries ? `${b.retries} retries` : ''].filter(Boolean).join('; ');
        const title = `${b.role} on ${host}: ${(b.end ?? t1) - b.start} ms${b.roundTrips === undefined ? '' : `, ${b.roundTrips} round trips`}${marks ? `; ${marks}` : ''}${b.end === undefined ? ' (not ended)' : ''}`;
        const cls = ['bar', b.failed ? 'failed' : '', b.gates.length ? 'gated' : '', b.retries ? 'retried' : ''].filter(Boolean).join(' ');
        return `<div class="${cls}" data-role="${esc(b.role)}" style="left:${left.toFixed(2)}%;width:${width.toFixed(2)}%" title="${esc(title)}">${esc(b.role)}${b.retries ? ` ↻${b.retries}` : ''}${b.gates.length ? ' ◆' : ''}</div>`;
      });
    return `<div class="row" data-host="${esc(host)}"><div class="host">${esc(host)}</div><div class="lane">${cells.join('')}</div></div>`;
  });
  return `<section id="timeline"><h2>Timeline <small>${span} ms</small></h2>${rows.join('\n') || '<p>No role ran.</p>'}<p class="legend">◆ gates ran · ↻ gate retries · red: failed</p></section>`;
}

function changesHtml(events: readonly RunEvent[]): string {
  const byHost = new Map<string, string[]>();
  for (const e of events) {
    if (e.kind !== 'resource' || (e.status !== 'changed' && e.status !== 'would-change')) continue;
    const items = e.changes.map((c) => {
      const d = c.diff ? renderDiff(c.diff.before, c.diff.after, { chalk: plain, maxLines: 400 }) : [];
      const head = c.diff ? '' : ` ${esc(c.before ?? '')} → ${esc(c.after ?? '')}`;
      const lines = d.map((l) => `<span class="${l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : ''}">${esc(l)}</span>`).join('\n');
      return `<li><code>${esc(changeLabel(c))}</code>${head}${lines ? `<pre class="diff">${lines}</pre>` : ''}</li>`;
    });
    const row = `<div class="change"><b>${esc(e.role)}</b> <code>${esc(e.resource)}</code> ${esc(e.status)}${e.secret ? ' (secret: content not shown)' : ''}<ul>${items.join('')}</ul></div>`;
    byHost.set(e.host, [...(byHost.get(e.host) ?? []), row]);
  }
  const parts = [...byHost].map(([h, rows]) => `<details open><summary>${esc(h)} (${rows.length})</summary>${rows.join('')}</details>`);
  return `<section id="changes"><h2>Changes</h2>${parts.join('\n') || '<p>Nothing changed.</p>'}</section>`;
}

function failuresHtml(events: readonly RunEvent[]): string {
  const rows: string[] = [];
  for (const e of events) {
    const error = 'error' in e ? e.error : e.kind === 'play-aborted' ? e.reason : undefined;
    if (!error) continue;
    if ('status' in e && e.status !== 'failed') continue;
    const where =
      'host' in e
        ? `${e.host}${'role' in e ? ` / ${e.role}` : ''}${'resource' in e ? ` / ${e.resource}` : 'gate' in e ? ` / gate ${e.gate}` : 'handler' in e ? ` / handler ${e.handler}` : ''}`
        : 'play' in e
          ? `play ${e.play}`
          : '';
    rows.push(`<div class="failure"><b>${esc(e.kind)}</b> ${esc(where)}<pre>${esc(error)}</pre></div>`);
  }
  return `<section id="failures"><h2>Failures</h2>${rows.join('\n') || '<p>None.</p>'}</section>`;
}

function totalsHtml(events: readonly RunEvent[]): string {
  const end = events.find((e) => e.kind === 'run-end');
  if (end?.kind !== 'run-end') return '<section id="totals"><h2>Totals</h2><p>The run did not end normally.</p></section>';
  const rows = Object.entries(end.stats.hosts).map(
    ([h, s]) =>
      `<tr><td>${esc(h)}</td><td>${s.ok}</td><td>${s.changed}</td><td>${s.failed}</td><td>${s.skipped}</td><td>${s.unreachable ? 'yes' : ''}</td><td>${s.roundTrips}</td></tr>`,
  );
  return `<section id="totals"><h2>Totals <small>${end.stats.ms} ms</small></h2><table><tr><th>host</th><th>ok</th><th>changed</th><th>failed</th><th>skipped</th><th>unreachable</th><th>round trips</th></tr>${rows.join('')}</table></section>`;
}

const CSS = `body{font:14px system-ui,sans-serif;margin:2em;color:#222}h1{font-size:1.4em}small{color:#777;font-weight:normal}
.row{display:flex;align-items:center;margin:2px 0}.host{width:14em;font-family:monospace;overflow:hidden}.lane{position:relative;flex:1;height:1.6em;background:#f3f3f3}
.bar{position:absolute;top:0;bottom:0;background:#6b9bd1;color:#fff;font-size:11px;overflow:hidden;white-space:nowrap;border-right:1px solid #fff;padding-left:2px}
.bar.failed{background:#c0392b}.bar.retried{outline:2px dashed #e67e22}.legend{color:#777}
pre{background:#f8f8f8;padding:.5em;overflow:auto}.diff .add{color:#1a7f37}.diff .del{color:#cf222e}.failure pre{color:#a00}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 8px;text-align:right}td:first-child{text-align:left;font-family:monospace}`;

export function renderHtml(events: readonly Timed[]): string {
  const raw = events.map((t) => t.event);
  const start = raw.find((e) => e.kind === 'run-start');
  const title = start && start.kind === 'run-start' ? `${start.playbook} (${start.mode})` : 'tsplay run';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${CSS}</style></head>
<body><h1>tsplay run: ${esc(title)}</h1>
${timelineHtml(events)}
${changesHtml(raw)}
${failuresHtml(raw)}
${totalsHtml(raw)}
</body></html>
`;
}
