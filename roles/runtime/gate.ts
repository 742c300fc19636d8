/**
 * The runtime's health gates: the daemon answers on its socket, with the settings the kubelet relies on.
 * - containerd: `ctr plugins ls` lists the CRI plugin as ok (a disabled CRI plugin, or a snapshotter the
 *   filesystem cannot carry, leaves containerd "running" but useless to the kubelet), and the socket exists;
 * - docker: `docker info` reports the cgroup driver the kubelet will use; with cri-dockerd, its socket exists.
 */
import type { Gate, GateContext } from '../../lib/index.js';
import { CONTAINERD_SOCKET } from './containerd.js';
import { CRI_DOCKERD_SOCKET, needsCriDockerd } from './cri-dockerd.js';
import type { RuntimeVars } from './vars.js';

const tail = (s: string) => s.trim().split('\n').slice(-3).join(' | ');

/** Throws unless `ctr plugins ls` shows the CRI plugin with status ok. Pure. */
export function judgeCtrPlugins(stdout: string): void {
  const line = stdout.split('\n').find((l) => /^io\.containerd\.grpc\.v1\s+cri\s/.test(l));
  if (!line) throw new Error('containerd runs without its CRI plugin (disabled_plugins in config.toml?): the kubelet cannot use it');
  const status = line.trim().split(/\s+/).pop();
  if (status !== 'ok')
    throw new Error(`containerd's CRI plugin is "${status}" (see journalctl -u containerd: often the snapshotter, try runtime_snapshotter: native)`);
}

/** Throws unless `docker info --format '{{.CgroupDriver}}'` printed the wanted driver. Pure. */
export function judgeDockerInfo(stdout: string, want: string): void {
  const got = stdout.trim();
  if (got !== want) throw new Error(`docker uses the ${got || '(unknown)'} cgroup driver, the kubelet is set for ${want}`);
}

async function socket(ctx: GateContext<RuntimeVars>, path: string): Promise<void> {
  const r = await ctx.exec(`test -S ${path}`);
  if (r.exitCode !== 0) throw new Error(`no CRI socket at ${path}`);
}

export const runtimeGate: Gate<RuntimeVars> = {
  name: 'container runtime answers',
  retries: 12,
  delayMs: 250,
  async check(ctx) {
    const v = ctx.vars;
    if (v.container_runtime === 'containerd') {
      const r = await ctx.exec('ctr version >/dev/null && ctr plugins ls', { timeoutMs: 15_000 });
      if (r.exitCode !== 0) throw new Error(`ctr exited ${r.exitCode}: ${tail(r.stderr || r.stdout)}`);
      judgeCtrPlugins(r.stdout);
      return socket(ctx, CONTAINERD_SOCKET);
    }
    const r = await ctx.exec("docker info --format '{{.CgroupDriver}}'", { timeoutMs: 15_000 });
    if (r.exitCode !== 0) throw new Error(`docker info exited ${r.exitCode}: ${tail(r.stderr || r.stdout)}`);
    judgeDockerInfo(r.stdout, v.cgroup_driver);
    if (needsCriDockerd(v)) await socket(ctx, CRI_DOCKERD_SOCKET);
  },
};
