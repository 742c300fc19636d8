/**
 * commandGate: a health gate that is one command and a verdict on its result. Its check runs the command
 * and judges it, as any gate; because the runner can see the command before running it, the first
 * attempts ride along with the apply (runner/role-run.ts): a first install pays no round trip for its gates.
 */
import type { Gate, GateProbe } from './role.js';

export interface CommandGateSpec<V> extends GateProbe<V> {
  readonly name: string;
  readonly retries?: number;
  readonly delayMs?: number;
  /** When the check runs it alone: the connection gives up on it after this long (an attempt that failed). */
  readonly timeoutMs?: number;
}

export function commandGate<V>({ name, retries, delayMs, timeoutMs, command, judge }: CommandGateSpec<V>): Gate<V> {
  return {
    name,
    ...(retries === undefined ? {} : { retries }),
    ...(delayMs === undefined ? {} : { delayMs }),
    probe: { command, judge },
    async check(ctx) {
      judge(await ctx.exec(command(ctx), timeoutMs === undefined ? {} : { timeoutMs }), ctx);
    },
  };
}
