/**
 * A role building its resources or handlers at compile time runs the user's code on the user's vars: what it
 * throws (a resource refusing a path, a mode, a name) is an input error, named by role and host, never an
 * internal error of tsplay. Pure.
 */
import { ConfigError, TsplayError } from '../core/errors.js';
import { shown } from '../core/shown.js';

/** `build()`'s value; what it throws comes back as a ConfigError at `where`, naming the vars it mentions. */
export function building<T>(where: string, vars: Readonly<Record<string, unknown>>, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof TsplayError) throw e;
    const err = e instanceof Error ? e : new Error(String(e));
    const vs = mentionedVars(err.message, vars);
    const hint = vs.length ? ` (the value of var ${vs.map((v) => `"${v}"`).join(', ')})` : '';
    // A TypeError and the like are a bug in the role's own code: say where it was thrown.
    const at = err.constructor === Error ? '' : `\n${(err.stack ?? '').split('\n').slice(1, 3).join('\n')}`;
    throw new ConfigError(`building its resources failed: ${err.message}${hint}${at}`, where, { cause: e });
  }
}

/**
 * Vars whose value the message quotes, the way resources quote values (JSON, or shown(): escaped and cut
 * short). Only quoted: a value merely contained in the text (a var `user: 'webapp'` in "webapp.service")
 * would name the wrong var.
 */
function mentionedVars(message: string, vars: Readonly<Record<string, unknown>>): string[] {
  const quotes = (v: unknown) =>
    typeof v === 'string' ? message.includes(JSON.stringify(v)) || message.includes(shown(v)) : typeof v === 'number' && message.includes(String(v));
  return Object.entries(vars)
    .filter(([, v]) => (typeof v === 'string' && v.length >= 3) || (typeof v === 'number' && Math.abs(v) >= 10))
    .filter(([, v]) => quotes(v))
    .map(([k]) => k);
}
