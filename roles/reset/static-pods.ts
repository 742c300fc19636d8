/**
 * Static pods go before the kubelet (control_plane_mode static-pods): a container outlives its kubelet, so
 * stopping the kubelet first would leave the control plane's containers running after reset, with nothing
 * left to stop them. This resource, reset's first, finds what the host itself runs (whatever the inventory
 * says now): the manifests in the kubelet's staticPodPath (its config.yaml's, else <k8s_config_dir>/manifests)
 * and the pods still running. Apply removes the manifests and waits until the kubelet has stopped every
 * pod; only then do the services stop (the kubelet among them). A failed wait fails the host there, the
 * kubelet still running. Where the kubelet no longer runs, nothing would stop them: they are stopped
 * directly. What "a pod still runs" means, by what the host has:
 * - crictl (a real kubelet): a running container in a pod labelled tier=control-plane (kubeadm's and
 *   tsplay's manifests label their pods so);
 * - the lab's kubelet stand-in (test/fixtures/standins/static_pods.py): an active `tsplay-pod-*` unit, and
 *   a "running" verdict in its static-pods.json while the kubelet runs.
 * A host in systemd mode has neither manifests nor pods: nothing to do, no change.
 */
import { defineResource, q, type AnyResource, type Change } from '../../lib/index.js';
import { CRI_SOCKETS } from '../cluster/cri.js';
import { defaults as kubeletDefaults } from '../kubelet/vars.js';

const ROOT = kubeletDefaults.kubelet_root_dir.replace(/\/+$/, '');
const KUBELET_CONFIG = `${ROOT}/config.yaml`;
/** The kubelet stand-in's verdicts (per manifest: running, refused, ErrImagePull). */
export const STANDIN_VERDICTS = `${ROOT}/tsplay-standin/static-pods.json`;
const POD_UNITS = 'tsplay-pod-*';

export interface Found {
  readonly dir: string;
  readonly manifests: readonly string[];
  readonly podUnits: readonly string[];
  /** "running" verdicts in the stand-in's static-pods.json (0 without one). */
  readonly verdicts: number;
  readonly containers: readonly string[];
  /** systemctl is-active kubelet. */
  readonly kubelet: string;
}

/** Sets $d (the staticPodPath) and $k (the kubelet's state), and running(): one line per pod still running. */
const prelude = (fallbackDir: string): string =>
  [
    `d=$(sed -n 's/^staticPodPath: *//p' ${KUBELET_CONFIG} 2>/dev/null | tr -d "\\"'" | head -n1); [ -n "$d" ] || d=${fallbackDir}`,
    'k=$(systemctl is-active kubelet 2>/dev/null); [ -n "$k" ] || k=inactive',
    `ep=; for s in ${Object.values(CRI_SOCKETS).join(' ')}; do if [ -S $s ]; then ep=unix://$s; break; fi; done`,
    'running() {',
    `  systemctl list-units --plain --no-legend --state=active,activating,deactivating,reloading '${POD_UNITS}' 2>/dev/null | while read -r u _; do echo "pod-unit $u"; done`,
    `  if [ "$k" = active ] && [ -f ${STANDIN_VERDICTS} ]; then n=$(grep -c '"state": "running"' ${STANDIN_VERDICTS}); if [ "$n" -gt 0 ]; then echo "verdicts $n"; fi; fi`,
    '  if [ -n "$ep" ] && command -v crictl >/dev/null 2>&1; then for p in $(crictl --runtime-endpoint $ep pods -q --label tier=control-plane 2>/dev/null); do crictl --runtime-endpoint $ep ps -q --pod $p 2>/dev/null | sed "s/^/container /"; done; fi',
    '}',
  ].join('\n');

/** Read-only: what the host has (`dir`, `manifest`, `kubelet` lines, then running()'s). */
export const probeCommand = (fallbackDir: string): string =>
  `${prelude(fallbackDir)}\necho "dir $d"; echo "kubelet $k"; for f in "$d"/*; do if [ -f "$f" ]; then echo "manifest $f"; fi; done; running; true`;

/** The manifests removed, then the wait (or, the kubelet gone, the pods stopped directly), up to `waitS` seconds. */
export const stopCommand = (fallbackDir: string, waitS: number): string =>
  [
    prelude(fallbackDir),
    'for f in "$d"/*; do if [ -f "$f" ]; then rm -f -- "$f"; fi; done',
    `if [ "$k" != active ]; then systemctl stop '${POD_UNITS}' 2>/dev/null; if [ -n "$ep" ] && command -v crictl >/dev/null 2>&1; then for p in $(crictl --runtime-endpoint $ep pods -q --label tier=control-plane 2>/dev/null); do crictl --runtime-endpoint $ep stopp $p >/dev/null && crictl --runtime-endpoint $ep rmp $p >/dev/null; done; fi; fi`,
    `i=0; while left=$(running); [ -n "$left" ]; do i=$((i+1)); if [ $i -ge ${waitS * 2} ]; then echo "static pods still running ${waitS} s after their manifests were removed from $d (kubelet $k): $(echo $left); the kubelet is left running to stop them" >&2; exit 1; fi; sleep 0.5; done`,
  ].join('\n');

export function parseFound(stdout: string): Found {
  const f = { dir: '', manifests: [] as string[], podUnits: [] as string[], verdicts: 0, containers: [] as string[], kubelet: '' };
  for (const line of stdout.split('\n')) {
    const at = line.indexOf(' ');
    const [key, value] = at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 1).trim()];
    if (key === 'dir') f.dir = value;
    else if (key === 'kubelet') f.kubelet = value;
    else if (key === 'manifest') f.manifests.push(value);
    else if (key === 'pod-unit') f.podUnits.push(value);
    else if (key === 'verdicts') f.verdicts = Number(value) || 0;
    else if (key === 'container') f.containers.push(value);
  }
  return f;
}

/** What is running, as a person would say it; '' when nothing. */
export function runningText(f: Found): string {
  const parts = [
    ...(f.podUnits.length ? [`pod units ${f.podUnits.join(', ')}`] : []),
    ...(f.verdicts && !f.podUnits.length ? [`${f.verdicts} running by the kubelet's verdicts (${STANDIN_VERDICTS})`] : []),
    ...(f.containers.length ? [`containers ${f.containers.join(', ')} (crictl)`] : []),
  ];
  return parts.join('; ');
}

/** The changes a reset makes here: [] on a host without manifests or pods (systemd mode). */
export function changesOf(f: Found, waitS: number): Change[] {
  const running = runningText(f);
  if (!f.manifests.length && !running) return [];
  const name = (p: string) => p.slice(p.lastIndexOf('/') + 1);
  const stopped =
    f.kubelet === 'active'
      ? `stopped by the kubelet, waited for (up to ${waitS} s), before the kubelet itself is stopped`
      : `stopped directly (the kubelet is ${f.kubelet || 'not running'}, nothing else would stop them)`;
  return [
    ...(f.manifests.length ? [{ field: 'manifests', before: `${f.manifests.map(name).join(', ')} in ${f.dir}`, after: 'removed first' }] : []),
    { field: 'static pods', before: running || 'none running', after: stopped },
  ];
}

export function staticPodsStopped(o: { readonly fallbackDir: string; readonly waitS: number }): AnyResource {
  return defineResource({
    id: `static-pods:${o.fallbackDir}`,
    reads: [`path:${o.fallbackDir}`],
    writes: [`path:${o.fallbackDir}`],
    queries: [q.command(probeCommand(o.fallbackDir))],
    check([r]) {
      if (r.exitCode !== 0) throw new Error(`reading the static pods failed (exit ${r.exitCode}): ${r.stdout.trim().slice(-300)}`);
      return changesOf(parseFound(r.stdout), o.waitS);
    },
    apply: () => [{ a: 'command', command: stopCommand(o.fallbackDir, o.waitS) }],
  });
}
