/**
 * The suite's tallies, shared by the fault families and printed once at the end (summary.ts). A count
 * marked `mustBeZero` fails the suite; the others say how much was tried and how it went.
 */

interface Count {
  readonly label: string;
  readonly mustBeZero: boolean;
  value: number;
  /** What made a must-be-zero count move: replayable details for the report. */
  readonly details: string[];
}

const table = new Map<string, Count>();

const define = (key: string, label: string, mustBeZero = false) => table.set(key, { label, mustBeZero, value: 0, details: [] });

// The order here is the order of the printout.
define('kills', 'controller kills (SIGKILL mid-run)');
define('killTempFiles', 'temp files found after the run that followed a kill', true);
define('lostHandlers', 'lost handlers (service not serving what its unit file says)', true);
define('notConverged', 'reruns after a kill that did not converge (failed, or a third run changed something)', true);
define('lockWaits', 'reruns after a kill refused by a lock, then retried');
define('pairs', 'concurrent-run pairs');
define('pairsBothLanded', '  both lines landed');
define('pairsRefused', '  one run refused with "locked by ..."');
define('lostEdits', 'lost edits (both runs exit 0, a line missing)', true);
define('unclearPairs', 'pairs ending otherwise (a refusal without "locked by", both failed, ...)', true);
define('hostileTried', 'hostile value x resource combinations');
define('hostileLiteral', '  landed literally (byte-exact on the host, rerun changes nothing)');
define('hostileRefused', '  refused (exit 1 before any host is touched, or the resource failed clearly)');
define('hostileExecuted', '  executed (a canary appeared, or a file outside the target was written)', true);
define('hostileMangled', '  mangled (landed altered, or never converges)', true);
define('secretOutputs', 'outputs scanned for secrets');
define('secretLeaks', 'secret leaks (raw, JSON-escaped, base64 or URL-encoded)', true);

export type CountKey =
  | 'kills'
  | 'killTempFiles'
  | 'lostHandlers'
  | 'notConverged'
  | 'lockWaits'
  | 'pairs'
  | 'pairsBothLanded'
  | 'pairsRefused'
  | 'lostEdits'
  | 'unclearPairs'
  | 'hostileTried'
  | 'hostileLiteral'
  | 'hostileRefused'
  | 'hostileExecuted'
  | 'hostileMangled'
  | 'secretOutputs'
  | 'secretLeaks';

/** Add `n` to a count; `detail` says what happened (kept for the printout, at most 40 per count). */
export function count(key: CountKey, n = 1, detail?: string): void {
  const c = table.get(key)!;
  c.value += n;
  if (detail !== undefined && c.details.length < 40) c.details.push(detail);
}

export const value = (key: CountKey): number => table.get(key)!.value;

/** Must-be-zero counts that are not, as "label: n" lines (empty when the suite held). */
export const violations = (): string[] => [...table.values()].filter((c) => c.mustBeZero && c.value > 0).map((c) => `${c.label.trim()}: ${c.value}`);

/** The whole table as text, with the details of every count that must be zero and is not. */
export function summaryText(seed: number, ms: number): string {
  const rows = [...table.values()].map(
    (c) => `  ${c.label.padEnd(96)} ${String(c.value).padStart(5)}${c.mustBeZero ? (c.value ? '  <- must be 0' : '  (must be 0)') : ''}`,
  );
  const details = [...table.values()]
    .filter((c) => c.details.length && (c.mustBeZero ? c.value > 0 : true))
    .flatMap((c) => [`  ${c.label.trim()}:`, ...c.details.map((d) => `    - ${d}`)]);
  return [
    `fault suite summary (seed ${seed}; replay with TSPLAY_FAULT_SEED=${seed}; ${(ms / 1000).toFixed(0)} s)`,
    ...rows,
    ...(details.length ? ['details:', ...details] : []),
  ].join('\n');
}
