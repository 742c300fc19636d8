/**
 * The last step before any byte leaves a reporter: every string is scrubbed of known secret values, so
 * a secret is masked even when it leaked into an error message, a diff or an event field.
 */
import { redact } from '../core/secret.js';

export type Write = (text: string) => void;

/** A writer to `out` that redacts everything it is given. */
export function redactingWriter(out: NodeJS.WritableStream): Write {
  return (text) => {
    if (text) out.write(redact(text));
  };
}
