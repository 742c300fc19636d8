/** Var schemas more than one role needs. */
import { z } from 'zod';

/**
 * An absolute path that a role writes into a shell command line as it is (kubectl, a manifest): only
 * letters, digits and `. _ / + @ -`, so no value can end the word, start another command or expand.
 */
export const commandPath = z.string().regex(/^\/[A-Za-z0-9._/+@-]*$/, 'expected an absolute path of letters, digits and . _ / + @ - (it is written into shell commands)');
