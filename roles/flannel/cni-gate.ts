/**
 * The CNI gate: every plugin `type` of every network config in the conf dir the runtime reads is an
 * executable file in a bin dir the runtime reads, asked of the runtime itself (containerd: `containerd
 * config dump`, 1.x or 2.x layout; docker: cri-dockerd's --cni-bin-dir/--cni-conf-dir as systemd runs it),
 * not of our vars: a runtime reading another dir than the one the plugins went to is what it catches.
 * Needed besides the `type`s: the plugin flannel delegates to (bridge unless delegate.type says) with its
 * host-local IPAM, and loopback, which the runtime runs for every pod's lo.
 */
import type { Gate } from '../../lib/index.js';
import type { FlannelVars } from './vars.js';

export interface RuntimeCniDirs {
  readonly binDirs: readonly string[];
  readonly confDir: string;
  /** Where they were read, for messages. */
  readonly source: string;
}

const DEFAULT_BIN = '/opt/cni/bin';
const DEFAULT_CONF = '/etc/cni/net.d';

/** TOML sections of a config dump: header (quotes dropped) -> key -> raw value. Enough for containerd's dump. */
function sections(toml: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let current = new Map<string, string>();
  out.set('', current);
  for (const line of toml.split('\n')) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      current = new Map();
      out.set(header[1]!.replace(/["']/g, '').trim(), current);
      continue;
    }
    const kv = /^\s*([A-Za-z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (kv) current.set(kv[1]!, kv[2]!);
  }
  return out;
}

const strings = (raw: string | undefined): string[] => [...(raw ?? '').matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2] ?? '');

/** The CRI plugin's CNI dirs from `containerd config dump`: 2.x `io.containerd.cri.v1.runtime` (bin_dirs, or 2.0's bin_dir), else 1.x `io.containerd.grpc.v1.cri` (bin_dir). Pure. */
export function containerdCniDirs(dump: string): RuntimeCniDirs {
  const all = sections(dump);
  const v2 = all.get('plugins.io.containerd.cri.v1.runtime.cni');
  const v1 = all.get('plugins.io.containerd.grpc.v1.cri.cni');
  const cni = v2 ?? v1;
  if (!cni)
    throw new Error('containerd config dump has no CRI cni section (io.containerd.cri.v1.runtime or io.containerd.grpc.v1.cri): is the CRI plugin disabled?');
  const dirs = cni.has('bin_dirs') ? strings(cni.get('bin_dirs')) : strings(cni.get('bin_dir'));
  const source = `containerd config dump, ${v2 ? 'plugins."io.containerd.cri.v1.runtime".cni' : 'plugins."io.containerd.grpc.v1.cri".cni'}`;
  return { binDirs: dirs.length ? dirs : [DEFAULT_BIN], confDir: strings(cni.get('conf_dir'))[0] || DEFAULT_CONF, source };
}

/** The CNI dirs from cri-dockerd's command line (`systemctl show -p ExecStart --value cri-docker`); its defaults when not given. Pure. */
export function criDockerdCniDirs(execStart: string): RuntimeCniDirs {
  const words = execStart.split(/\s+/);
  const flag = (name: string): string | undefined => {
    for (let i = 0; i < words.length; i++) {
      if (words[i]!.startsWith(`--${name}=`)) return words[i]!.slice(name.length + 3);
      if (words[i] === `--${name}`) return words[i + 1];
    }
    return undefined;
  };
  const bin = flag('cni-bin-dir');
  return {
    binDirs: bin ? bin.split(',').filter(Boolean) : [DEFAULT_BIN],
    confDir: flag('cni-conf-dir') ?? DEFAULT_CONF,
    source: 'cri-dockerd --cni-bin-dir/--cni-conf-dir',
  };
}

type Json = Record<string, unknown>;
const obj = (x: unknown): Json | undefined => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : undefined);

/** The plugins one network config needs: each plugin's type, and for flannel the one it delegates to and its IPAM. Pure. */
export function pluginsOf(conf: Json): string[] {
  const list = Array.isArray(conf['plugins']) ? (conf['plugins'] as unknown[]).map(obj).filter((p): p is Json => !!p) : [conf];
  return list.flatMap((p) => {
    const type = typeof p['type'] === 'string' ? p['type'] : '';
    const ipam = obj(p['ipam'])?.['type'];
    const own = [type, ...(typeof ipam === 'string' ? [ipam] : [])];
    if (type !== 'flannel') return own;
    // The flannel plugin writes the delegate's config: bridge by default, host-local IPAM unless ipam says.
    const delegate = obj(p['delegate'])?.['type'];
    return [...own, typeof delegate === 'string' ? delegate : 'bridge', ...(typeof ipam === 'string' ? [] : ['host-local'])];
  });
}

const FILE = /^==> (.+) <==$/;

/** Splits the gate command's output into conflist texts by path and the executables found. Pure. */
export function parseListing(out: string): { confs: Map<string, string>; executables: Set<string> } {
  const confs = new Map<string, string>();
  const executables = new Set<string>();
  let current: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (current !== undefined && current !== 'executables') confs.set(current, lines.join('\n'));
  };
  for (const line of out.split('\n')) {
    const m = FILE.exec(line);
    if (m) {
      flush();
      current = m[1]!;
      lines = [];
    } else if (current === 'executables') {
      if (line.trim()) executables.add(line.trim());
    } else lines.push(line);
  }
  flush();
  return { confs, executables };
}

/** Throws, naming the plugin, the config and the dirs, unless every needed plugin is an executable in a bin dir. Pure. */
export function judgeCni(dirs: RuntimeCniDirs, confs: ReadonlyMap<string, string>, executables: ReadonlySet<string>): string[] {
  if (confs.size === 0) throw new Error(`no network config in ${dirs.confDir} (read from ${dirs.source}): the runtime has no pod network`);
  const needed = new Map<string, string>([['loopback', "the runtime (every pod's lo)"]]);
  for (const [path, text] of confs) {
    let conf: Json | undefined;
    try {
      conf = obj(JSON.parse(text));
    } catch (e) {
      throw new Error(`${path} is not JSON: ${(e as Error).message}`);
    }
    if (!conf) throw new Error(`${path} is not a JSON object`);
    for (const p of pluginsOf(conf)) if (!needed.has(p)) needed.set(p, path);
  }
  for (const [plugin, by] of needed) {
    if (!plugin || plugin.includes('/')) throw new Error(`${by} names plugin type ${JSON.stringify(plugin)}, which is not a file name`);
    if (!dirs.binDirs.some((d) => executables.has(`${d.replace(/\/$/, '')}/${plugin}`))) {
      throw new Error(
        `CNI plugin "${plugin}" (needed by ${by}) is not an executable file in ${dirs.binDirs.join(', ')}, the dir the runtime reads (${dirs.source})`,
      );
    }
  }
  return [...needed.keys()];
}

const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** One command: the network configs of confDir (libcni reads .conf, .conflist, .json), then every executable file in the bin dirs. */
export function listingCommand(dirs: RuntimeCniDirs): string {
  const conf = sq(dirs.confDir.replace(/\/$/, ''));
  return [
    `for f in ${conf}/*.conf ${conf}/*.conflist ${conf}/*.json; do [ -f "$f" ] || continue; printf '==> %s <==\\n' "$f"; cat "$f"; echo; done`,
    `echo '==> executables <=='`,
    `for d in ${dirs.binDirs.map((d) => sq(d.replace(/\/$/, ''))).join(' ')}; do for f in "$d"/*; do [ -f "$f" ] && [ -x "$f" ] && printf '%s\\n' "$f"; done; done; true`,
  ].join('; ');
}

/** The command that shows which CNI dirs the runtime reads. */
export const runtimeDirsCommand = (v: FlannelVars): string =>
  v.container_runtime === 'docker' ? 'systemctl show -p ExecStart --value cri-docker.service' : 'containerd config dump';

export const cniGate: Gate<FlannelVars> = {
  name: 'CNI plugins where the runtime reads them',
  retries: 3,
  delayMs: 500,
  async check({ exec, vars }) {
    const r = await exec(runtimeDirsCommand(vars), { timeoutMs: 15_000 });
    if (r.exitCode !== 0) throw new Error(`${runtimeDirsCommand(vars)} exited ${r.exitCode}: ${(r.stderr || r.stdout).trim().split('\n').pop() ?? ''}`);
    const dirs = vars.container_runtime === 'docker' ? criDockerdCniDirs(r.stdout) : containerdCniDirs(r.stdout);
    const l = await exec(listingCommand(dirs), { timeoutMs: 15_000 });
    if (l.exitCode !== 0) throw new Error(`listing ${dirs.confDir} and ${dirs.binDirs.join(', ')} exited ${l.exitCode}: ${l.stderr.trim()}`);
    const { confs, executables } = parseListing(l.stdout);
    judgeCni(dirs, confs, executables);
  },
};
