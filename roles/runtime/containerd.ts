/**
 * containerd: the distro packages (containerd + runc), /etc/containerd/config.toml written whole, the
 * service enabled and running. The config is the only thing the role manages, and all of it:
 * - the CRI plugin enabled (Docker's containerd.io package ships `disabled_plugins = ["cri"]`, which
 *   leaves the kubelet without a runtime: writing the whole file removes it);
 * - `SystemdCgroup` matching the kubelet's cgroup driver (a mismatch makes pods restart in a loop);
 * - the sandbox image, the snapshotter, the CNI bin and conf dirs.
 * Version 2 config: containerd 1.6/1.7 read it natively, 2.x migrates it on load.
 */
import { directory, service, template, type AnyResource } from '../../lib/index.js';
import { CRI_SOCKETS } from '../cluster/index.js';
import { packages } from './packages.js';
import { perFamily, type Family } from './per-family.js';
import { PACKAGE_CNI_DIRS, type RuntimeVars } from './vars.js';

export const CONFIG = '/etc/containerd/config.toml';
export const CONTAINERD_SOCKET = CRI_SOCKETS.containerd;
export const RESTART_CONTAINERD = 'restart containerd';

/** The CNI plugin directory on a host of `family`. */
export const cniBinDir = (v: RuntimeVars, family: Family): string => v.runtime_cni_bin_dir || PACKAGE_CNI_DIRS[family];

const CRI = 'plugins."io.containerd.grpc.v1.cri"';

/** config.toml. Pure. */
export function containerdConfig(v: RuntimeVars, family: Family): string {
  return `# Managed by tsplay (role runtime); edits here are overwritten.
version = 2

[plugins]
  [${CRI}]
    sandbox_image = "${v.runtime_sandbox_image}"
    [${CRI}.containerd]
      snapshotter = "${v.runtime_snapshotter}"
      default_runtime_name = "runc"
      [${CRI}.containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [${CRI}.containerd.runtimes.runc.options]
          SystemdCgroup = ${v.cgroup_driver === 'systemd'}
    [${CRI}.cni]
      bin_dir = "${cniBinDir(v, family)}"
      conf_dir = "${v.runtime_cni_conf_dir}"
`;
}

export function containerd(v: RuntimeVars): AnyResource[] {
  const config = (family: Family) => template({ path: CONFIG, render: () => containerdConfig(v, family), mode: 0o644, notify: RESTART_CONTAINERD });
  return [
    ...packages(v.runtime_containerd_packages),
    directory({ path: '/etc/containerd', mode: 0o755 }),
    perFamily({ debian: config('debian'), redhat: config('redhat') }),
    service({ name: 'containerd', enabled: true, state: 'started' }),
  ];
}
