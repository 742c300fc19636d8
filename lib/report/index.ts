/** The reporting layer: events in, text out (console, JSON lines), plus the recap arithmetic. */
export type { HostStats, Mode, Reporter, ResourceStatus, RunEvent, RunStats } from './events.js';
export { consoleReporter, type ConsoleOptions } from './console.js';
export { jsonReporter } from './json.js';
export { multiReporter } from './multi.js';
export { EXIT_FAILED, EXIT_UNREACHABLE, exitBits, roleTimes, totals } from './summary.js';
export { renderDiff } from './diff.js';
