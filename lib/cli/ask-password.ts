/**
 * Ask for a password on the terminal without echoing it: -K's become password, a vault passphrase.
 * Errors (no terminal, Ctrl-C) name what was being asked, read from the prompt ("BECOME password: " ->
 * "become password", "Vault passphrase for x.yml: " -> "vault passphrase for x.yml"), and `where` (a flag).
 */
import { ConfigError } from '../core/errors.js';

export interface AskOptions {
  readonly input?: NodeJS.ReadStream;
  readonly output?: NodeJS.WritableStream;
  /** Where errors point (default -K for the become password, else the terminal prompt). */
  readonly where?: string;
}

/** What a prompt asks for, in the words of an error message. Pure. */
export function askedFor(prompt: string): string {
  const what = prompt
    .replace(/:\s*$/, '')
    .trim()
    .replace(/^\S+/, (w) => w.toLowerCase());
  // "Again, to confirm: " names nothing: it is the passphrase asked a second time.
  return /password|passphrase/.test(what) ? what : `passphrase (${what})`;
}

export function askPassword(prompt: string, opts: AskOptions = {}): Promise<string> {
  const { input = process.stdin, output = process.stderr } = opts;
  const what = askedFor(prompt);
  const where = opts.where ?? (/^become password$/.test(what) ? '-K' : 'the terminal');
  if (!input.isTTY) {
    const instead = /become/.test(what) ? 'put it in the inventory as a secret instead' : 'give it another way (a file or an environment variable)';
    return Promise.reject(new ConfigError(`needs a terminal to ask for the ${what} (nothing is echoed); ${instead}`, where));
  }
  return new Promise((resolve, reject) => {
    output.write(prompt);
    input.setRawMode(true);
    input.resume();
    let typed = '';
    const done = (fn: () => void) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      output.write('\n');
      fn();
    };
    const onData = (d: Buffer) => {
      for (const ch of d.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(() => resolve(typed));
        if (ch === '\u0003') return done(() => reject(new ConfigError(`interrupted while asking for the ${what}`, where)));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    input.on('data', onData);
  });
}
