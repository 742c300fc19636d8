/** One error family, each carrying where it happened; `cause` keeps the original. */

export class TsplayError extends Error {
  override name = 'TsplayError';
}

/** Bad configuration or usage: an inventory, playbook, var or CLI argument (exit bit 1). */
export class ConfigError extends TsplayError {
  override name = 'ConfigError';
  constructor(
    message: string,
    readonly where?: string,
    opts?: ErrorOptions,
  ) {
    super(where ? `${where}: ${message}` : message, opts);
  }
}

/** The host could not be reached or the connection broke (the host counts as unreachable, exit bit 4). */
export class TransportError extends TsplayError {
  override name = 'TransportError';
  constructor(
    readonly host: string,
    message: string,
    opts?: ErrorOptions,
  ) {
    super(`[${host}] ${message}`, opts);
  }
}

/**
 * A command ran past its timeoutMs and was killed: the host was reached but did not answer in time (a
 * loaded host, a slow probe). Still a TransportError (the command's effect is unknown), but a health gate
 * retries it as a failed attempt instead of giving the host up.
 */
export class CommandTimeout extends TransportError {
  override name = 'CommandTimeout';
  /** `shown`: the command as the message names it (its first line). */
  constructor(host: string, timeoutMs: number, shown: string) {
    super(host, `command timed out after ${timeoutMs} ms: ${shown}`);
  }
}

/** sudo would not make the login user root (a wrong become password, not in sudoers): the host failed (exit bit 2), it was reached. */
export class BecomeError extends TsplayError {
  override name = 'BecomeError';
  constructor(
    readonly host: string,
    readonly user: string,
    message: string,
    opts?: ErrorOptions,
  ) {
    super(`[${host}] ${message}`, opts);
  }
}

/** A resource, handler or gate failed on a host (exit bit 2). */
export class ResourceError extends TsplayError {
  override name = 'ResourceError';
  constructor(
    readonly host: string,
    readonly resource: string,
    message: string,
    readonly exitCode?: number,
    readonly stderr?: string,
    opts?: ErrorOptions,
  ) {
    super(`[${host}] ${resource}: ${message}`, opts);
  }
}

/** Keep the last lines of a long stderr: the error is nearly always at the end. */
export function tail(text: string, lines = 20): string {
  const all = text.trimEnd().split('\n');
  return all.length <= lines ? all.join('\n') : ['…', ...all.slice(-lines)].join('\n');
}
