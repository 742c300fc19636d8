/** Shared fixtures for reporter tests: a collecting stream, uncoloured chalk, and event builders. */
import { Writable } from 'node:stream';
import { Chalk } from 'chalk';
import type { HostStats, RunEvent } from '../../lib/report/events.js';

/** A stream that keeps what was written; `columns`/`rows` make it look like a terminal. */
export class Collect extends Writable {
  text = '';
  writes = 0;
  columns = 100;
  rows = 30;
  override write(chunk: unknown): boolean {
    this.text += String(chunk);
    this.writes++;
    return true;
  }
  /** Written text without ANSI escapes. */
  get plain(): string {
    return this.text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  }
}

export const plain = new Chalk({ level: 0 });
export const colour = new Chalk({ level: 1 });

type ResourceEvent = Extract<RunEvent, { kind: 'resource' }>;

export const resource = (over: Partial<ResourceEvent> = {}): ResourceEvent => ({
  kind: 'resource',
  host: 'web-01',
  role: 'base',
  resource: 'file:/etc/x',
  status: 'changed',
  changes: [{ field: 'mode', before: '0644', after: '0600' }],
  ...over,
});

export const hostStats = (over: Partial<HostStats> = {}): HostStats => ({
  ok: 0,
  changed: 0,
  failed: 0,
  skipped: 0,
  unreachable: false,
  roundTrips: 0,
  roleMs: {},
  ...over,
});

export const runStart = (hosts: string[], mode: 'check' | 'apply' = 'apply', diff = false): RunEvent => ({
  kind: 'run-start',
  playbook: 'site.ts',
  mode,
  diff,
  hosts,
});

/**
 * What a terminal would show after `text`: lines with colours dropped, honouring the escapes the live
 * area uses (cursor up, carriage return, erase to end of screen).
 */
export function screen(text: string): string[] {
  const lines: string[] = [''];
  let row = 0;
  for (const m of text.matchAll(/\x1b\[(\d*)([A-Za-z])|\r|\n|[^\x1b\r\n]+/g)) {
    const [tok, n, cmd] = m;
    if (cmd === 'A') row = Math.max(0, row - Number(n || 1));
    else if (cmd === 'J') lines.splice(row, lines.length - row, '');
    else if (cmd)
      continue; // colours
    else if (tok === '\r')
      continue; // the live area only ever returns to column 0 of a line it then erases
    else if (tok === '\n') {
      row++;
      lines[row] ??= '';
    } else lines[row] += tok;
  }
  return lines;
}
