/**
 * containerd: the distro packages (containerd + runc), /etc/containerd/config.toml written whole, the
 * service enabled and running. The config is the only thing the role manages, and all of it:
 * - the CRI plugin enabled (Docker's containerd.io package ships `disabled_plugins = ["cri"]`, which
 *   leaves the kubelet without a runtime: writing the whole file removes it);
 * - `SystemdCgroup` matching the kubelet's cgroup driver (a mismatch makes pods restart in a loop);
 * - the sandbox image, the snapshotter, the CNI bin and conf dirs (cni_bin_dir, cni_conf_dir: where this
 *   role installs the plugins and flannel writes its conflist; Debian's own default is /usr/lib/cni).
 * Config version 2 (containerd 1.6/1.7 natively, 2.x migrates it on load) or 3 (2.1+ natively), by
 * runtime_containerd_config_version.
 */
import { directory, service, template, type AnyResource } from '../../lib/index.js';
import { CRI_SOCKETS } from '../cluster/index.js';
import { packages } from './packages.js';
import type { RuntimeVars } from './vars.js';

export const CONFIG = '/etc/containerd/config.toml';
export const CONTAINERD_SOCKET = CRI_SOCKETS.containerd;
export const RESTART_CONTAINERD = 'restart containerd';

const HEADER = '# Managed by tsplay (role runtime); edits here are overwritten.';

/** Version 2: the one CRI plugin, io.containerd.grpc.v1.cri, with cni.bin_dir. */
function version2(v: RuntimeVars): string {
  const CRI = 'plugins."io.containerd.grpc.v1.cri"';
  return `${HEADER}
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
      bin_dir = "${v.cni_bin_dir}"
      conf_dir = "${v.cni_conf_dir}"
`;
}

/** Version 3 (containerd 2.x): images (snapshotter, sandbox image) and runtime (runc, cni.bin_dirs) apart. */
function version3(v: RuntimeVars): string {
  const IMAGES = 'plugins."io.containerd.cri.v1.images"';
  const RUNTIME = 'plugins."io.containerd.cri.v1.runtime"';
  return `${HEADER}
version = 3

[plugins]
  [${IMAGES}]
    snapshotter = "${v.runtime_snapshotter}"
    [${IMAGES}.pinned_images]
      sandbox = "${v.runtime_sandbox_image}"
  [${RUNTIME}]
    [${RUNTIME}.containerd]
      default_runtime_name = "runc"
      [${RUNTIME}.containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [${RUNTIME}.containerd.runtimes.runc.options]
          SystemdCgroup = ${v.cgroup_driver === 'systemd'}
    [${RUNTIME}.cni]
      bin_dirs = ["${v.cni_bin_dir}"]
      conf_dir = "${v.cni_conf_dir}"
`;
}

/** config.toml. Pure. */
export const containerdConfig = (v: RuntimeVars): string => (v.runtime_containerd_config_version === 3 ? version3(v) : version2(v));

export function containerd(v: RuntimeVars): AnyResource[] {
  return [
    ...packages(v.runtime_containerd_packages, v),
    directory({ path: '/etc/containerd', mode: 0o755 }),
    template({ path: CONFIG, render: () => containerdConfig(v), mode: 0o644, notify: RESTART_CONTAINERD }),
    service({ name: 'containerd', enabled: true, state: 'started' }),
  ];
}
