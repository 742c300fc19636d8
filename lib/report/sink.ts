/**
 * The last step before any byte leaves the console reporter: every string is scrubbed of known secret
 * values, so a secret is masked even when it leaked into an error message, a diff or an event field, and
 * then made terminal-safe, so only tsplay's own escape sequences reach the terminal raw.
 */
import { redact } from '../core/secret.js';
import { terminalSafe } from './printable.js';

export type Write = (text: string) => void;

/** A writer to a terminal or log `out` that redacts everything it is given and escapes foreign controls. */
export function terminalWriter(out: NodeJS.WritableStream): Write {
  return (text) => {
    if (text) out.write(terminalSafe(redact(text)));
  };
}
