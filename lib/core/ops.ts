/**
 * The host instruction set: every read (Query) and write (Action) a resource can ask of a host.
 *
 * Why an instruction set and not shell strings: the same resource runs against a real host (the shell
 * driver renders a whole role's queries into ONE script, and its actions into ONE more) and against the
 * in-memory fake host of the test kit, which interprets these ops directly. Imports nothing.
 */

/** What a path holds. `sha256` and `content` come back only when asked for. */
export interface FileState {
  readonly exists: boolean;
  readonly type?: 'file' | 'directory' | 'symlink' | 'other';
  readonly mode?: number;
  readonly owner?: string;
  readonly group?: string;
  readonly size?: number;
  readonly sha256?: string;
  /** utf-8 text; only when the query set `content` and the file is at most `content` bytes. */
  readonly content?: string;
}

/** Installed version per package name; null when not installed. */
export type PackageState = Readonly<Record<string, string | null>>;

export interface UnitState {
  /** systemd LoadState: loaded, not-found, masked, ... */
  readonly load: string;
  /** ActiveState: active, inactive, failed, activating, ... */
  readonly active: string;
  /** UnitFileState: enabled, disabled, static, masked, '' when unknown. */
  readonly enabled: string;
}

export interface UserState {
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
  readonly groups: readonly string[];
}

export interface GroupState {
  readonly gid: number;
}

export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
}

export interface HostFacts {
  /** `codename`: VERSION_CODENAME (bookworm, jammy), for apt sources; absent where the OS has none (RHEL). */
  readonly os: { readonly family: 'debian' | 'redhat' | 'unknown'; readonly id: string; readonly version: string; readonly codename?: string };
  readonly arch: string;
  readonly init: 'systemd' | 'other';
  readonly hostname: string;
  /** IPv4/IPv6 addresses (without prefix length) per interface name. */
  readonly interfaces: Readonly<Record<string, readonly string[]>>;
  readonly cpus: number;
  readonly memoryMb: number;
  /** Package manager, derived from what is installed. */
  readonly packageManager: 'apt' | 'dnf' | 'yum' | 'unknown';
}

/** Query kinds and the answer each yields. */
export interface Answers {
  file: FileState;
  packages: PackageState;
  unit: UnitState;
  sysctl: string | null;
  module: boolean;
  user: UserState | null;
  group: GroupState | null;
  command: CommandResult;
  facts: HostFacts;
}

export type Query =
  | { readonly q: 'file'; readonly path: string; readonly sha256?: boolean; readonly content?: number }
  | { readonly q: 'packages'; readonly names: readonly string[] }
  | { readonly q: 'unit'; readonly name: string }
  | { readonly q: 'sysctl'; readonly key: string }
  /** loaded in the running kernel (or built in) */
  | { readonly q: 'module'; readonly name: string }
  | { readonly q: 'user'; readonly name: string }
  | { readonly q: 'group'; readonly name: string }
  /** A read-only command (a guard such as `unless`); its exit code and stdout. */
  | { readonly q: 'command'; readonly command: string }
  | { readonly q: 'facts' };

export type AnswerOf<Q extends Query> = Answers[Q['q']];

/** Attributes a write may set; unset means "leave as the host has it / the umask gives". */
export interface Attrs {
  readonly mode?: number;
  readonly owner?: string;
  readonly group?: string;
}

export type Action =
  /** Write a whole file atomically (temp file in the same directory + rename). */
  | ({ readonly a: 'write'; readonly path: string; readonly content: string | Uint8Array } & Attrs)
  /**
   * Copy a controller-side file to the host (streamed; atomic). With `url` the host fetches it from there
   * itself (an artifact mirror), verifies the sha256 before it lands, and gets it over SSH if it cannot fetch.
   */
  | ({ readonly a: 'upload'; readonly from: string; readonly path: string; readonly sha256: string; readonly url?: string } & Attrs)
  | ({ readonly a: 'mkdir'; readonly path: string } & Attrs)
  | ({ readonly a: 'attrs'; readonly path: string } & Attrs)
  | { readonly a: 'remove'; readonly path: string }
  /** Extract `files` (or all when empty) of a tar archive on the host into `dest`, flattening paths. */
  | ({ readonly a: 'extract'; readonly archive: string; readonly dest: string; readonly files: readonly string[] } & Attrs)
  /** `versions`: exact versions (as dpkg-query / rpm report them) for some of `names`; a pinned one may go down too. */
  | {
      readonly a: 'package';
      readonly state: 'present' | 'absent';
      readonly names: readonly string[];
      readonly manager: 'apt' | 'dnf' | 'yum';
      readonly versions?: Readonly<Record<string, string>>;
    }
  | {
      readonly a: 'systemctl';
      readonly verb: 'daemon-reload' | 'enable' | 'disable' | 'start' | 'stop' | 'restart' | 'reload' | 'mask' | 'unmask';
      readonly unit?: string;
    }
  | { readonly a: 'sysctl'; readonly key: string; readonly value: string }
  | { readonly a: 'modprobe'; readonly name: string }
  | {
      readonly a: 'user';
      readonly name: string;
      readonly state: 'present' | 'absent';
      readonly system?: boolean;
      readonly home?: string;
      readonly shell?: string;
      readonly groups?: readonly string[];
      readonly create?: boolean;
    }
  | { readonly a: 'group'; readonly name: string; readonly state: 'present' | 'absent'; readonly system?: boolean }
  | { readonly a: 'command'; readonly command: string; readonly stdin?: string }
  /**
   * Copy a host's file to the controller path `to`: verified against the sha256 the host computes, landed
   * atomically (see core/fetched.ts); `keep` prunes older fetched sets beside it once it is in place.
   */
  | { readonly a: 'fetch'; readonly path: string; readonly to: string; readonly keep?: { readonly match: string; readonly count: number } };

/** Constructors that keep the answer type attached to the query (a phantom type). */
export interface TypedQuery<T> {
  readonly query: Query;
  readonly _answer?: T;
}

export const q = {
  file: (path: string, opts: { sha256?: boolean; content?: number } = {}): TypedQuery<FileState> => ({ query: { q: 'file', path, ...opts } }),
  packages: (names: readonly string[]): TypedQuery<PackageState> => ({ query: { q: 'packages', names } }),
  unit: (name: string): TypedQuery<UnitState> => ({ query: { q: 'unit', name } }),
  sysctl: (key: string): TypedQuery<string | null> => ({ query: { q: 'sysctl', key } }),
  module: (name: string): TypedQuery<boolean> => ({ query: { q: 'module', name } }),
  user: (name: string): TypedQuery<UserState | null> => ({ query: { q: 'user', name } }),
  group: (name: string): TypedQuery<GroupState | null> => ({ query: { q: 'group', name } }),
  command: (command: string): TypedQuery<CommandResult> => ({ query: { q: 'command', command } }),
};
