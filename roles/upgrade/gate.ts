/**
 * The upgrade gate: an installing role (apiserver, kubelet, kube-proxy) wrapped by `upgrading` gets one
 * more health gate, run after its binaries were replaced and its services restarted, before the next host
 * (control plane) or batch (workers) starts: each of its units is active, runs a process started after its
 * binary was last replaced (the new binary, not the old one still in memory), and that binary reports the
 * target version; for the apiserver, the local apiserver's /version says the target too. Like every gate
 * it runs where the role changed something (or with --verify), and not in check mode; a host that fails
 * it fails, and the play's anyErrorsFatal stops the rest on the old version.
 */
import type { Cluster, Gate, GateContext, Host, Role } from '../../lib/index.js';
import { topology } from '../cluster/index.js';
import { binDirDefaults, componentsOf, type BinDirs } from './components.js';
import { parseProbe, probeCommand, type Seen } from './probe.js';
import { targetOf } from './target.js';
import { parseVersion, showVersion, type Version } from './version.js';
import type { UpgradeVars } from './vars.js';

/** What is wrong with one component after the upgrade, or undefined. */
export function componentProblem(binary: string, s: Seen | undefined, target: Version): string | undefined {
  const to = showVersion(target);
  if (!s?.said) return `${binary}: no binary`;
  if (!s.version || showVersion(s.version) !== to) return `${binary} reports ${JSON.stringify(s.said)}, not ${to}`;
  if (s.active !== 'active') return `${binary}: its unit is ${s.active || 'unknown'} (journalctl -u ${binary})`;
  if (s.startedAt === undefined || s.replacedAt === undefined) return `${binary}: cannot tell when it started or was replaced`;
  if (s.startedAt < s.replacedAt) return `${binary}: its process started before the binary was replaced: still the old version in memory`;
  return undefined;
}

/** What the local apiserver's /version answer says is wrong, or undefined when it serves `target`. */
export function versionProblem(server: string, exitCode: number, stdout: string, target: Version): string | undefined {
  let git = '';
  try {
    git = String((JSON.parse(stdout) as { gitVersion?: unknown }).gitVersion ?? '');
  } catch {
    /* not JSON: shown below */
  }
  const got = parseVersion(git);
  if (exitCode === 0 && got && showVersion(got) === showVersion(target)) return undefined;
  return `the apiserver at ${server} serves /version ${git || JSON.stringify(stdout.trim().slice(0, 200))}, not ${showVersion(target)}`;
}

type Vars = Pick<UpgradeVars, 'k8s_arch' | 'k8s_artifacts'> & Partial<BinDirs>;

async function check(binaries: readonly string[], { host, vars, cluster, exec }: GateContext<Vars>): Promise<void> {
  const target = targetOf({ ...binDirDefaults, upgrade_drain: true, ...vars });
  const cs = componentsOf(host, { ...binDirDefaults, ...vars }).filter((c) => binaries.includes(c.binary) && c.unit);
  const r = await exec(probeCommand(cs), { timeoutMs: 30_000 });
  const seen = parseProbe(r.stdout);
  const bad = cs.map((c) => componentProblem(c.binary, seen.get(c.binary), target)).filter((p): p is string => !!p);
  if (bad.length) throw new Error(`not on ${showVersion(target)}: ${bad.join('; ')}`);
  if (binaries.includes('kube-apiserver') && topology(cluster).hosts.controlPlane.some((h) => h.name === host.name))
    await apiserverVersion(host, cluster, vars, target, exec);
}

async function apiserverVersion(host: Host, cluster: Cluster, vars: Vars, target: Version, exec: GateContext<Vars>['exec']): Promise<void> {
  const t = topology(cluster);
  const server = `https://${host.address.includes(':') ? `[${host.address}]` : host.address}:${t.apiserverPort}`;
  const kubectl = `${vars.k8s_bin_dir ?? binDirDefaults.k8s_bin_dir}/kubectl`;
  const r = await exec(`${kubectl} --kubeconfig=${t.paths.adminConf} --server=${server} --request-timeout=5s get --raw=/version 2>&1`, { timeoutMs: 15_000 });
  const why = versionProblem(server, r.exitCode, r.stdout, target);
  if (why) throw new Error(why);
}

/** The gate, for any installing role: its vars hold k8s_arch, k8s_artifacts and its own bin dir. */
export function upgradeGate<V extends object>(binaries: readonly string[]): Gate<V> {
  return {
    name: `upgraded: ${binaries.join(', ')} on the target version`,
    retries: 10,
    delayMs: 250,
    check: (ctx) => check(binaries, ctx as unknown as GateContext<Vars>),
  };
}

/** `role` with the upgrade gate for the binaries it installs, after its own gates. */
export function upgrading<V extends object>(role: Role<V>, binaries: readonly string[]): Role<V> {
  return { ...role, verify: [...(role.verify ?? []), upgradeGate<V>(binaries)] };
}
