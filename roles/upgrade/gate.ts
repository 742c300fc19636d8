/**
 * The upgrade gate: an installing role (apiserver, kubelet, kube-proxy) wrapped by `upgrading` gets one
 * more health gate, run after its binaries were replaced and its services restarted, before the next host
 * (control plane) or batch (workers) starts: each of its units is active, runs a process started after its
 * binary was last replaced (the new binary, not the old one still in memory), and that binary reports the
 * target version; for the apiserver, the local apiserver's /version says the target too. Like every gate
 * it runs where the role changed something (or with --verify), and not in check mode; a host that fails
 * it fails, and the play's anyErrorsFatal stops the rest on the old version.
 * control_plane_mode static-pods: the control plane has no binaries or units on the host; each of its
 * static pods must name the target's image and be served by a process started after its manifest was
 * written (static-pods.ts), the kubelet (which the apiserver role replaces there) must pass as above, and
 * the apiserver's /version must say the target, as in systemd mode.
 */
import type { Cluster, Gate, GateContext, Host, Role } from '../../lib/index.js';
import { componentFlags, type ApiserverVars } from '../apiserver/index.js';
import { imagesOf } from '../apiserver/static-pods.js';
import { STATIC_POD_COMPONENTS, topology, type StaticPodComponent } from '../cluster/index.js';
import { binDirDefaults, componentsOf, type BinDirs } from './components.js';
import { parseProbe, probeCommand, type Seen } from './probe.js';
import { parsePodProbe, podProblem, podProbeCommand, staticPodsOn } from './static-pods.js';
import { targetOf } from './target.js';
import { parseVersion, showVersion, type Version } from './version.js';
import type { UpgradeVars } from './vars.js';
import { clusterAddress } from '../cluster/cluster-address.js';

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

const isPod = (b: string): b is StaticPodComponent => (STATIC_POD_COMPONENTS as readonly string[]).includes(b);

/** The static pods among `binaries` on the host, each with the port it serves (the apiserver role's flags: its vars are `vars`). */
function podsOf(binaries: readonly string[], ctx: GateContext<Vars>) {
  if (!binaries.some(isPod)) return [];
  const all = staticPodsOn(ctx.host, ctx.cluster);
  if (!all.length) return [];
  const v = ctx.vars as unknown as ApiserverVars;
  const flags = componentFlags(v, ctx.host, ctx.cluster);
  const images = imagesOf({ v, cluster: ctx.cluster });
  return all
    .filter((p) => binaries.includes(p.component))
    .map((p) => ({ ...p, port: Number(flags[p.component]['secure-port']), image: images[p.component].ref }));
}

async function check(binaries: readonly string[], ctx: GateContext<Vars>): Promise<void> {
  const { host, vars, cluster, exec } = ctx;
  const target = targetOf({ ...binDirDefaults, upgrade_drain: true, ...vars });
  const pods = podsOf(binaries, ctx);
  // Static pods: the apiserver role also replaced and restarted the kubelet that runs them (roles/apiserver/static-pods.ts).
  const wanted = pods.length ? [...binaries, 'kubelet'] : binaries;
  const cs = componentsOf(host, { ...binDirDefaults, ...vars }, pods.length > 0).filter((c) => wanted.includes(c.binary) && c.unit);
  const r = cs.length ? await exec(probeCommand(cs), { timeoutMs: 30_000 }) : { stdout: '' };
  const seen = parseProbe(r.stdout);
  const p = pods.length ? await exec(podProbeCommand(pods), { timeoutMs: 30_000 }) : { stdout: '' };
  const podsSeen = parsePodProbe(p.stdout);
  const bad = [
    ...cs.map((c) => componentProblem(c.binary, seen.get(c.binary), target)),
    ...pods.map((x) => podProblem(x.component, podsSeen.get(x.component), x.image, target)),
  ].filter((x): x is string => !!x);
  if (bad.length) throw new Error(`not on ${showVersion(target)}: ${bad.join('; ')}`);
  if (binaries.includes('kube-apiserver') && topology(cluster).hosts.controlPlane.some((h) => h.name === host.name))
    await apiserverVersion(host, cluster, vars, target, exec);
}

async function apiserverVersion(host: Host, cluster: Cluster, vars: Vars, target: Version, exec: GateContext<Vars>['exec']): Promise<void> {
  const t = topology(cluster);
  const address = clusterAddress(host);
  const server = `https://${address.includes(':') ? `[${address}]` : address}:${t.apiserverPort}`;
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
