// TSPLAY_TRACE_STARTUP=1: where the `tsplay` command's start-up goes, printed to stderr at exit, one line per
// phase (ms since the process started, and since the phase before). The phases are performance marks named
// "tsplay:..." (bin.js, run-cmd.ts: a mark costs microseconds, so they are always set) plus Node's own boot
// timings and the first TCP connection any transport opens (ssh2 calls Socket#connect itself, which the
// 'net.client.socket' diagnostics channel does not see: the trace wraps Socket#connect until its first call).
// TSPLAY_TRACE_STARTUP=json prints one JSON line instead. Plain JS: bin.js loads it, only when asked.
import { Socket } from 'node:net';

const PREFIX = 'tsplay:';

/** Start tracing: call once, as early as possible. */
export function traceStartup(format) {
  const connect = Socket.prototype.connect;
  Socket.prototype.connect = function first(...args) {
    Socket.prototype.connect = connect;
    performance.mark(`${PREFIX}first connection opened`);
    this.once('connect', () => performance.mark(`${PREFIX}first connection up (TCP)`));
    return connect.apply(this, args);
  };
  process.once('exit', () => process.stderr.write(format === 'json' ? `${JSON.stringify(startupPhases())}\n` : table(startupPhases())));
}

/** { timeOrigin, phases: [{ name, ms }] }: Node's boot, then the marks in the order they happened. */
export function startupPhases() {
  const t = performance.nodeTiming;
  const boot = [
    { name: 'node: V8 started', ms: t.v8Start },
    { name: 'node: bootstrap complete', ms: t.bootstrapComplete },
  ];
  const marks = performance
    .getEntriesByType('mark')
    .filter((m) => m.name.startsWith(PREFIX))
    .map((m) => ({ name: m.name.slice(PREFIX.length), ms: m.startTime }));
  return { timeOrigin: performance.timeOrigin, phases: [...boot, ...marks].sort((a, b) => a.ms - b.ms) };
}

function table({ phases }) {
  let before = 0;
  const lines = phases.map(({ name, ms }) => {
    const line = `${ms.toFixed(1).padStart(8)} ${`+${(ms - before).toFixed(1)}`.padStart(8)}  ${name}`;
    before = ms;
    return line;
  });
  return `tsplay start-up (ms since the process started, +ms since the phase before):\n${lines.join('\n')}\n`;
}
