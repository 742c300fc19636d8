/**
 * Everything a fake host remembers: files, packages (installed and on offer), systemd units and their
 * state, sysctls, kernel modules, users, groups, scripted commands and facts.
 */
import type { ExecResult } from '../core/connection.js';
import type { HostFacts } from '../core/ops.js';
import { sysctlComponents } from '../resources/sysctl.js';
import { FakeFs } from './fake-fs.js';
import { FakeMisuse } from './fake-failure.js';

/** A package the fake can install: its version and the files (and unit files) it brings. */
export interface PackageSpec {
  /** What an unpinned install gets. */
  readonly version?: string;
  /** Other versions a pinned install may ask for. */
  readonly versions?: readonly string[];
  readonly files?: Readonly<Record<string, string>>;
}

export interface UserEntry {
  uid: number;
  gid: number;
  home: string;
  shell: string;
  groups: string[];
}
export interface ServiceEntry {
  enabled: boolean;
  active: boolean;
}

// biome-ignore lint/suspicious/noConfusingVoidType: a reply callback may only record the command and return nothing
export type CommandReply = Partial<ExecResult> | ((command: string, stdin: string | undefined) => Partial<ExecResult> | void);

export const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];

export class FakeState {
  readonly fs = new FakeFs();
  readonly installed = new Map<string, string>();
  readonly catalog = new Map<string, PackageSpec>();
  readonly services = new Map<string, ServiceEntry>();
  /** Unit file contents as systemd last loaded them (at the last daemon-reload). */
  readonly loadedUnits = new Map<string, string>();
  readonly sysctls = new Map<string, string>();
  readonly modules = new Set<string>();
  readonly users = new Map<string, UserEntry>();
  readonly groups = new Map<string, { gid: number }>();
  readonly scripts: { match: string | RegExp; reply: CommandReply }[] = [];
  /** URLs this host can fetch (an artifact mirror) and what each serves; any other URL is unreachable. */
  readonly web = new Map<string, Uint8Array>();
  /** Every command run (guards, actions, exec), in order. */
  readonly commands: string[] = [];

  constructor(public facts: HostFacts) {}

  /** The unit file systemd would use now, or undefined. */
  unitFile(unit: string): string | undefined {
    for (const d of UNIT_DIRS) {
      const t = this.fs.text(`${d}/${unit}`);
      if (t !== undefined) return t;
    }
    return undefined;
  }

  /**
   * The name a sysctl is kept under: `net/ipv4/ip_forward` and `net.ipv4.ip_forward` are one file under
   * /proc/sys. A key that names no file there throws, as the shell driver refuses to render it.
   */
  sysctlName(key: string): string | undefined {
    const path = sysctlComponents(key).join('/');
    return this.sysctls.has(key) ? key : [...this.sysctls.keys()].find((k) => sysctlComponents(k).join('/') === path);
  }

  /** What systemd has loaded becomes what is on disk. */
  daemonReload(): void {
    this.loadedUnits.clear();
    for (const [path, node] of this.fs.nodes) {
      const m = /^(.*)\/([^/]+)$/.exec(path);
      if (node.type === 'file' && m && UNIT_DIRS.includes(m[1]!) && !this.loadedUnits.has(m[2]!)) this.loadedUnits.set(m[2]!, this.unitFile(m[2]!)!);
    }
  }

  /** Run a scripted command; the most recently scripted match wins. */
  run(command: string, stdin?: string): ExecResult {
    this.commands.push(command);
    const hit = [...this.scripts].reverse().find((s) => (typeof s.match === 'string' ? s.match === command : s.match.test(command)));
    if (!hit) throw new FakeMisuse(`Unscripted command: ${command} (script it with host.script(match, reply))`);
    const r = typeof hit.reply === 'function' ? (hit.reply(command, stdin) ?? {}) : hit.reply;
    return { exitCode: r.exitCode ?? 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }

  /** The next free id in a range: system accounts count down from 999, others up from 1000. */
  nextId(taken: Iterable<number>, system: boolean): number {
    const used = new Set(taken);
    let id = system ? 999 : 1000;
    while (used.has(id)) id += system ? -1 : 1;
    return id;
  }
}
