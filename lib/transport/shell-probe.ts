/**
 * Probes (core/driver.ts) as the tail of an action script, and their results read back. Each attempt's
 * stdout and stderr are framed by `<boundary> probe K begin` / `<boundary> probe K end RC` markers on their
 * own streams, so output that does not end in a newline is kept byte for byte. Pure.
 */
import type { ExecResult } from '../core/connection.js';
import type { Probe, ProbeRuns } from '../core/driver.js';
import { quote } from './shell-quote.js';

/** Seconds for sleep(1): GNU and busybox sleep take fractions; one that does not waits a whole second. */
const seconds = (ms: number) => (ms / 1000).toFixed(3).replace(/\.?0+$/, '');

/**
 * Lines that run each probe until it exits 0 or its attempts are spent; a probe that did not pass ends the
 * script (exit 0: the groups all succeeded, and what the probe found is the gate's to judge).
 */
export function renderProbes(probes: readonly Probe[], boundary: string): string[] {
  return probes.flatMap((p, k) => {
    const begin = quote(`${boundary} probe ${k} begin`);
    const end = `${boundary} probe ${k} end`;
    const delays = [...p.delaysMs.map(seconds), '-'].join(' ');
    return [
      `for tsplay_d in ${delays}; do`,
      `printf '%s\\n' ${begin}; printf '%s\\n' ${begin} >&2`,
      `( eval ${quote(p.command)} ) </dev/null`,
      'tsplay_rc=$?',
      `printf '%s %s\\n' ${quote(end)} "$tsplay_rc"; printf '%s\\n' ${quote(end)} >&2`,
      '[ "$tsplay_rc" -ne 0 ] || break',
      '[ "$tsplay_d" = - ] || sleep "$tsplay_d" 2>/dev/null || sleep 1',
      'done',
      '[ "$tsplay_rc" -eq 0 ] || exit 0',
    ];
  });
}

/** The text between each begin marker and the end marker after it, for probe `k`. */
function framed(text: string, boundary: string, k: number): { body: string; rc?: number }[] {
  const begin = `${boundary} probe ${k} begin\n`;
  const end = `${boundary} probe ${k} end`;
  const out: { body: string; rc?: number }[] = [];
  for (let at = text.indexOf(begin); at >= 0; at = text.indexOf(begin, at)) {
    const from = at + begin.length;
    const stop = text.indexOf(end, from);
    if (stop < 0) break;
    const line = text.slice(stop + end.length, text.indexOf('\n', stop) < 0 ? undefined : text.indexOf('\n', stop));
    const rc = /^ (\d+)$/.exec(line)?.[1];
    out.push({ body: text.slice(from, stop), ...(rc === undefined ? {} : { rc: Number(rc) }) });
    at = stop;
  }
  return out;
}

/** Every attempt of every probe that ran, from the script's stdout and stderr. */
export function parseProbes(probes: readonly Probe[], stdout: string, stderr: string, boundary: string): ProbeRuns {
  const runs: ExecResult[][] = [];
  for (const k of probes.keys()) {
    const out = framed(stdout, boundary, k);
    const err = framed(stderr, boundary, k);
    const attempts = out.filter((o) => o.rc !== undefined).map((o, i) => ({ exitCode: o.rc!, stdout: o.body, stderr: err[i]?.body ?? '' }));
    if (attempts.length === 0) break;
    runs.push(attempts);
  }
  return runs;
}
