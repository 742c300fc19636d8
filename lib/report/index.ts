/** The reporting layer: events in, text out (console, JSON lines), plus the recap arithmetic. */
export type { HostStats, Mode, Reporter, ResourceStatus, RunEvent, RunStats } from './events.js';
export { consoleReporter, type ConsoleOptions } from './console.js';
export type { Ticker } from './live.js';
export { jsonLine, jsonReporter } from './json.js';
export { multiReporter } from './multi.js';
export { EXIT_FAILED, EXIT_UNREACHABLE, exitBits, hostOutcome, roleTimes, totals, type RoleTime, type Totals } from './summary.js';
export { recapLines } from './recap.js';
export { renderDiff } from './diff.js';
export { printable } from './printable.js';
