/**
 * The transport seam: the only door to a host. Implemented by ssh (node-ssh), local (zx) and used by
 * the shell driver; nothing else in tsplay runs commands or touches remote files.
 */

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  /** Sent on stdin. Scripts travel this way so that nothing secret is ever on a command line. */
  readonly stdin?: string | Uint8Array;
  /** Run as root through sudo; a become password, when the host has one, goes on stdin first. */
  readonly sudo?: boolean;
  /** Kill the command and reject with a TransportError after this long. */
  readonly timeoutMs?: number;
}

export interface PutOptions {
  readonly mode?: number;
  readonly owner?: string;
  readonly group?: string;
  readonly sudo?: boolean;
}

/** A command left running by Connection.hold: what it printed so far, and how to end it. */
export interface Held {
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the command already exited. */
  readonly exitCode?: number;
  /** Close its stdin: it sees EOF and ends. */
  release(): void;
}

export interface Connection {
  /** Inventory name of the host, for messages. */
  readonly host: string;
  /** Run `sh -c command`. Resolves with a non-zero exit code too; rejects only when the transport fails. */
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** Write a file atomically (temp + rename). `from` is bytes or a local path to stream from. */
  put(remotePath: string, from: Uint8Array | { readonly localPath: string }, opts?: PutOptions): Promise<void>;
  /**
   * Run `command` with `stdin` but keep stdin open until `release()` or until the connection ends (a
   * process holding a lock for as long as the controller lives). Resolves once stdout holds `until` (or
   * when the command exits first), with what it printed so far.
   */
  hold?(command: string, opts: { readonly stdin: string; readonly until: string; readonly sudo?: boolean }): Promise<Held>;
  /** Read a file; undefined when it does not exist. */
  get(remotePath: string, opts?: { readonly sudo?: boolean }): Promise<Uint8Array | undefined>;
  close(): Promise<void>;
}
