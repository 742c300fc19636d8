/** `-e key=value` pairs into a map; a malformed pair is a usage error that names it. Pure. */
import { ConfigError } from '../core/errors.js';

export function parseExtraVars(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const at = p.indexOf('=');
    if (at <= 0) throw new ConfigError(`expected key=value, got "${p}"`, '-e');
    out[p.slice(0, at)] = p.slice(at + 1);
  }
  return out;
}
