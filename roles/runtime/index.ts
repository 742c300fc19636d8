/**
 * runtime: the container runtime the kubelet talks to over CRI.
 *
 * - containerd (default): the distro's containerd + runc, /etc/containerd/config.toml written whole
 *   (CRI plugin on, SystemdCgroup = cgroup_driver, sandbox image, snapshotter, CNI dirs), service running;
 * - docker (`container_runtime: docker`): the distro's docker, /etc/docker/daemon.json written whole
 *   (exec-opts cgroup driver, bridge, iptables, ip-masq, mtu, storage driver, log rotation), service
 *   running; plus cri-dockerd (artifact table binary, socket + service units) for Kubernetes >= 1.24;
 * - both: the standard CNI plugins (bridge, host-local, loopback, portmap, ... from the containernetworking/plugins
 *   release, artifact table row cni-plugins) in cni_bin_dir, and cni_conf_dir, which flannel fills: the dirs
 *   containerd's CRI plugin (or cri-dockerd) is told to read;
 * - a changed config restarts the daemon (handler), once, after the role;
 * - gate: the runtime answers on its socket with its CRI side working (see gate.ts).
 *
 * The kubelet role reads the same `container_runtime` and `cgroup_driver` vars: set them once, globally.
 * Vars: see vars.ts.
 */
import { ConfigError, defineRole, directory, restart, type AnyResource, type Handler, type Host } from '../../lib/index.js';
import { installBinaries } from '../cluster/artifacts-install.js';
import { resolveArtifact } from '../cluster/artifacts.js';
import { checkCniVars } from '../cluster/cni-vars.js';
import { containerd, RESTART_CONTAINERD } from './containerd.js';
import { criDockerd, needsCriDockerd, RESTART_CRI_DOCKERD } from './cri-dockerd.js';
import { docker, RESTART_DOCKER } from './docker.js';
import { runtimeGate } from './gate.js';
import { defaults, schema, type RuntimeVars } from './vars.js';

export { defaults, schema, type RuntimeVars } from './vars.js';

/** Every plugin of the release tarball (the table's list: what flannel's conflist names, plus loopback). */
export function cniPlugins(v: RuntimeVars): AnyResource[] {
  const a = resolveArtifact('cni-plugins', v.k8s_arch, v.k8s_artifacts);
  return [
    directory({ path: v.cni_bin_dir, mode: 0o755 }),
    installBinaries(a, Object.keys(a.files), v.cni_bin_dir),
    directory({ path: v.cni_conf_dir, mode: 0o755 }),
  ];
}

/** docker with cri-dockerd off: no dockershim since Kubernetes 1.24, so nothing would read the CNI dirs. */
function dockerWithoutCri(v: RuntimeVars): void {
  if (v.container_runtime === 'docker' && v.runtime_cri_dockerd === false && needsCriDockerd({ ...v, runtime_cri_dockerd: 'auto' })) {
    throw new ConfigError(
      'docker without cri-dockerd has no CRI and reads no CNI config (dockershim left Kubernetes in 1.24): set it to "auto" or true',
      'vars.runtime_cri_dockerd',
    );
  }
}

function resources(v: RuntimeVars, host: Host): AnyResource[] {
  checkCniVars(host);
  dockerWithoutCri(v);
  const cni = cniPlugins(v);
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
