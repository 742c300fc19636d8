/**
 * runtime: the container runtime the kubelet talks to over CRI.
 *
 * - containerd (default): the distro's containerd + runc, /etc/containerd/config.toml written whole
 *   (CRI plugin on, SystemdCgroup = cgroup_driver, sandbox image, snapshotter, CNI dirs), service running;
 * - docker (`container_runtime: docker`): the distro's docker, /etc/docker/daemon.json written whole
 *   (exec-opts cgroup driver, bridge, iptables, ip-masq, mtu, storage driver, log rotation), service
 *   running; plus cri-dockerd (artifact table binary, socket + service units) for Kubernetes >= 1.24;
 * - both: the standard CNI plugins (containernetworking-plugins) and /etc/cni/net.d, which flannel fills;
 * - a changed config restarts the daemon (handler), once, after the role;
 * - gate: the runtime answers on its socket with its CRI side working (see gate.ts).
 *
 * The kubelet role reads the same `container_runtime` and `cgroup_driver` vars: set them once, globally.
 * Vars: see vars.ts.
 */
import { defineRole, directory, restart, type AnyResource, type Handler } from '../../lib/index.js';
import { containerd, RESTART_CONTAINERD } from './containerd.js';
import { criDockerd, needsCriDockerd, RESTART_CRI_DOCKERD } from './cri-dockerd.js';
import { docker, RESTART_DOCKER } from './docker.js';
import { runtimeGate } from './gate.js';
import { packages } from './packages.js';
import { defaults, schema, type RuntimeVars } from './vars.js';

export { defaults, schema, type RuntimeVars } from './vars.js';

function resources(v: RuntimeVars): AnyResource[] {
  const cni = [...packages(v.runtime_cni_packages), directory({ path: v.runtime_cni_conf_dir, mode: 0o755 })];
  if (v.container_runtime === 'containerd') return [...cni, ...containerd(v)];
  return [...cni, ...docker(v), ...(needsCriDockerd(v) ? criDockerd(v) : [])];
}

function handlers(): Record<string, Handler> {
  return {
    [RESTART_CONTAINERD]: restart('containerd'),
    [RESTART_DOCKER]: restart('docker'),
    // The socket unit is PartOf the service: restarting the service restarts both.
    [RESTART_CRI_DOCKERD]: restart('cri-docker'),
  };
}

export default defineRole<RuntimeVars>({
  name: 'runtime',
  tags: ['containerd', 'docker'],
  defaults,
  schema,
  resources,
  handlers,
  verify: [runtimeGate],
});
